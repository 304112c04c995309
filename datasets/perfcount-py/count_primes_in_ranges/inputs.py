"""Inputs for count_primes_in_ranges: tiny ranges around 0-2 and many overlapping windows."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(101)
    cases = [
        [[]],
        [[[0, 0]]],
        [[[0, 1], [2, 2], [14, 16]]],
        [[[1, 10]]],
        [[[10, 30], [1, 100]]],
        [[[97, 97], [91, 91], [2, 3]]],
        [[[0, 1000]]],
        [[[7919, 7920], [1, 2]]],
    ]
    for count, top in ((3, 50), (10, 500), (5, 5000)):
        qs = []
        for _ in range(count):
            a, b = rng.randint(0, top), rng.randint(0, top)
            qs.append([min(a, b), max(a, b)])
        cases.append([qs])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(10000 + scale)
    top = 2000 * scale
    queries = []
    for _ in range(20):
        lo = rng.randint(0, top)
        hi = min(top, lo + rng.randint(0, top // 4))
        queries.append([lo, hi])
    return [[queries]]
