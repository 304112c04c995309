"""Inputs for count_inversions: edge cases and a random permutation-like list."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(17)
    cases = [
        [[]],
        [[7]],
        [[1, 2]],
        [[2, 1]],
        [[3, 1, 2]],
        [[5, 4, 3, 2, 1]],
        [[2, 2, 2, 2]],
        [[2, 2, 1]],
        [[-1, -5, 3, 0, -5]],
        [list(range(20))],
        [list(range(20, 0, -1))],
    ]
    for n in (6, 15, 40, 90):
        cases.append([[rng.randint(-10, 10) for _ in range(n)]])
    cases.append([[rng.randint(-(10**9), 10**9) for _ in range(60)]])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(1000 + scale)
    n = 60 * scale
    return [[[rng.randint(0, 4 * n) for _ in range(n)]]]
