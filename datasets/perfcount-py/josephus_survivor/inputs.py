"""Inputs for josephus_survivor: k = 1, k larger than n, and one big circle."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(131)
    cases = [[1, 1], [1, 10], [2, 1], [2, 2], [4, 1], [5, 2], [7, 3], [6, 12], [10, 10], [41, 3]]
    for _ in range(5):
        cases.append([rng.randint(1, 300), rng.randint(1, 40)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    return [[1000 * scale + 17, 11]]
