"""Inputs for merge_intervals."""

from __future__ import annotations

import random


def _intervals(rng: random.Random, n: int, span: int, longest: int) -> list[list[int]]:
    out = []
    for _ in range(n):
        s = rng.randint(-span, span)
        out.append([s, s + rng.randint(0, longest)])
    return out


def test_inputs() -> list[list]:
    rng = random.Random(127)
    cases = [
        [[]],
        [[[4, 4]]],
        [[[1, 3], [8, 10], [2, 6]]],
        [[[5, 5], [1, 4], [4, 5]]],
        [[[1, 2], [3, 4]]],
        [[[1, 3], [3, 4]]],
        [[[1, 10], [2, 3], [4, 5]]],
        [[[2, 3], [2, 3], [2, 3]]],
        [[[-5, -1], [-3, 2], [7, 7], [6, 6]]],
        [[[0, 0], [1, 1], [2, 2]]],
    ]
    for n in (5, 9, 14, 25):
        cases.append([_intervals(rng, n, 30, 8)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(12000 + scale)
    n = 40 * scale
    return [[_intervals(rng, n, 12 * n, 30)]]
