from itertools import groupby


def run_length_encode(s):
    return "".join(f"{len(list(g))}{k}" for k, g in groupby(s))
