from itertools import groupby


def run_length_encode(s):
    return "".join(f"{sum(1 for _ in group)}{ch}" for ch, group in groupby(s))
