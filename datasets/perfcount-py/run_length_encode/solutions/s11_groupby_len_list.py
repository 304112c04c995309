from itertools import groupby


def run_length_encode(s):
    parts = []
    for ch, group in groupby(s):
        parts.append(str(len(list(group))))
        parts.append(ch)
    return "".join(parts)
