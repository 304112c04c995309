"""Inputs for knapsack_max_value."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(41)
    cases = [
        [[], [], 10],
        [[5], [10], 4],
        [[5], [10], 5],
        [[1, 3, 4, 5], [1, 4, 5, 7], 7],
        [[2, 2, 2], [3, 3, 3], 0],
        [[1, 1, 1], [0, 0, 0], 3],
        [[10, 20, 30], [60, 100, 120], 50],
        [[3, 3, 3, 3], [5, 5, 5, 5], 10],
    ]
    for n in (5, 8, 11, 14):
        w = [rng.randint(1, 15) for _ in range(n)]
        v = [rng.randint(0, 30) for _ in range(n)]
        cases.append([w, v, rng.randint(0, sum(w))])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(4000 + scale)
    n = 8 * scale
    weights = [rng.randint(5, 120) for _ in range(n)]
    values = [w + rng.randint(0, 60) for w in weights]
    return [[weights, values, sum(weights) // 3]]
