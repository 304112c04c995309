"""Inputs for longest_increasing_subsequence."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(11)
    cases = [
        [[]],
        [[7]],
        [[4, 4, 4]],
        [[3, 1, 2, 5, 4]],
        [[9, 8, 7]],
        [[1, 5, 2, 6, 3, 7]],
        [[-5, -1, -3, 0, -2, 2]],
        [list(range(12))],
        [list(range(12, 0, -1))],
        [[2, 2, 3, 3, 1, 1, 4, 4]],
    ]
    for n in (15, 25, 40, 60):
        cases.append([[rng.randint(-50, 50) for _ in range(n)]])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(1000 + scale)
    n = 40 * scale
    return [[[rng.randint(-10 * n, 10 * n) for _ in range(n)]]]
