"""Inputs for total_covered_length."""

from __future__ import annotations

import random


def _segments(rng: random.Random, n: int, span: int, longest: int) -> list[list[int]]:
    out = []
    for _ in range(n):
        a = rng.randint(-span, span)
        out.append([a, a + rng.randint(0, longest)])
    return out


def test_inputs() -> list[list]:
    rng = random.Random(137)
    cases = [
        [[]],
        [[[4, 4]]],
        [[[1, 4], [2, 6], [8, 9]]],
        [[[0, 10], [2, 3]]],
        [[[1, 2], [2, 3]]],
        [[[5, 7], [5, 7], [5, 7]]],
        [[[-5, -2], [-3, 1]]],
        [[[3, 3], [1, 1], [0, 2]]],
        [[[10, 20], [0, 5], [4, 11], [30, 31]]],
    ]
    for n in (5, 9, 15, 25):
        cases.append([_segments(rng, n, 50, 20)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(14000 + scale)
    n = 30 * scale
    return [[_segments(rng, n, 150 * n, 300)]]
