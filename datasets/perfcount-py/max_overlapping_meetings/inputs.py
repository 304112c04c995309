"""Inputs for max_overlapping_meetings."""

from __future__ import annotations

import random


def _meetings(rng: random.Random, n: int, horizon: int, longest: int) -> list[list[int]]:
    out = []
    for _ in range(n):
        s = rng.randint(0, horizon)
        out.append([s, s + rng.randint(1, longest)])
    return out


def test_inputs() -> list[list]:
    rng = random.Random(131)
    cases = [
        [[]],
        [[[1, 2]]],
        [[[1, 3], [3, 5]]],
        [[[0, 30], [5, 10], [15, 20]]],
        [[[1, 5], [2, 6], [3, 7]]],
        [[[7, 10], [2, 4]]],
        [[[1, 4], [1, 4], [1, 4]]],
        [[[-10, -5], [-6, 0], [-1, 2]]],
        [[[1, 10], [2, 3], [3, 4], [4, 5]]],
        [[[5, 6], [1, 5], [6, 7], [2, 5]]],
    ]
    for n in (6, 10, 16, 30):
        cases.append([_meetings(rng, n, 40, 12)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(13000 + scale)
    n = 40 * scale
    return [[_meetings(rng, n, 2 * n, 60)]]
