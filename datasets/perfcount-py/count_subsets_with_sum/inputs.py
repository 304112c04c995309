"""Inputs for count_subsets_with_sum."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(71)
    cases = [
        [[], 0],
        [[], 3],
        [[4], 0],
        [[4], 4],
        [[2, 2], 2],
        [[1, 2, 3, 4], 5],
        [[3, 5], 4],
        [[1, 1, 1], 2],
        [[5, 10, 15], 100],
        [[1, 2, 3, 4, 5, 6], 21],
    ]
    for n in (8, 10, 12, 14):
        xs = [rng.randint(1, 12) for _ in range(n)]
        cases.append([xs, rng.randint(0, sum(xs))])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(7000 + scale)
    n = 4 * scale
    xs = [rng.randint(1, 8 * scale) for _ in range(n)]
    return [[xs, sum(xs) // 2]]
