"""Inputs for kth_smallest: edge positions, duplicates, a large random list."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(23)
    cases = [
        [[-5], 1],
        [[7, 3, 9, 1], 1],
        [[7, 3, 9, 1], 3],
        [[7, 3, 9, 1], 4],
        [[4, 1, 4, 2], 3],
        [[4, 1, 4, 2], 4],
        [[2, 2, 2, 2, 2], 3],
        [list(range(30, 0, -1)), 10],
        [list(range(30)), 30],
    ]
    for n in (5, 17, 50, 120):
        xs = [rng.randint(-20, 20) for _ in range(n)]
        cases.append([xs, rng.randint(1, n)])
    xs = [rng.randint(-(10**9), 10**9) for _ in range(80)]
    cases.append([xs, 40])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(2000 + scale)
    n = 150 * scale
    xs = [rng.randint(-(10**6), 10**6) for _ in range(n)]
    return [[xs, n // 3]]
