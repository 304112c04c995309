"""Inputs for sort_by_frequency: ties, negatives, a large list with many repeats."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(31)
    cases = [
        [[]],
        [[9]],
        [[3, 1, 2]],
        [[4, 6, 4, 2, 6, 6]],
        [[5, -1, 5, -1, 0]],
        [[7, 7, 7, 7]],
        [[2, 1, 2, 1, 3, 3]],
        [list(range(10, 0, -1))],
    ]
    for n, hi in ((12, 3), (30, 8), (100, 20), (200, 100)):
        cases.append([[rng.randint(-hi, hi) for _ in range(n)]])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(3000 + scale)
    n = 200 * scale
    distinct = max(2, n // 4)
    return [[[rng.randrange(distinct) - distinct // 2 for _ in range(n)]]]
