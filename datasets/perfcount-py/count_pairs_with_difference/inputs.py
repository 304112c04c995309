"""Inputs for count_pairs_with_difference: duplicates, k = 0, negatives, a big list."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(71)
    cases = [
        [[], 4],
        [[3], 0],
        [[1, 5, 3, 4, 2], 2],
        [[1, 1, 2], 1],
        [[7, 7, 7], 0],
        [[7, 7, 7], 1],
        [[-3, 3, 0, -6, 6], 3],
        [[10, 1, 10, 1], 9],
        [list(range(20)), 19],
        [list(range(20)), 25],
    ]
    for n, hi, k in ((15, 5, 0), (40, 10, 2), (100, 30, 5), (150, 1000, 17)):
        cases.append([[rng.randint(-hi, hi) for _ in range(n)], k])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(7000 + scale)
    n = 300 * scale
    return [[[rng.randint(0, n) for _ in range(n)], 7]]
