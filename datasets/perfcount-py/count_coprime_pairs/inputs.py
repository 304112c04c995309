"""Inputs for count_coprime_pairs: ones, duplicates, shared factors, a random list."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(121)
    cases = [
        [[]],
        [[7]],
        [[2, 3, 4]],
        [[6, 10, 15]],
        [[1, 1, 5]],
        [[2, 2]],
        [[1, 1]],
        [[100000, 99999, 2, 5]],
        [list(range(1, 31))],
        [[30030, 7, 11, 13, 17, 210, 221]],
    ]
    for n, hi in ((10, 12), (40, 100), (120, 100000)):
        cases.append([[rng.randint(1, hi) for _ in range(n)]])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(12000 + scale)
    n = 100 * scale
    return [[[rng.randint(1, 500 * scale) for _ in range(n)]]]
