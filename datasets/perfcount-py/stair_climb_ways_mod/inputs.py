"""Inputs for stair_climb_ways_mod."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(53)
    cases = [
        [0, 1000],
        [1, 1000],
        [2, 1000],
        [3, 1000],
        [4, 1000],
        [10, 1000],
        [10, 7],
        [5, 1],
        [0, 1],
        [18, 1_000_000_007],
        [22, 2**61 - 1],
    ]
    for _ in range(5):
        cases.append([rng.randint(0, 20), rng.randint(2, 10**6)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(5000 + scale)
    calls = []
    for _ in range(6):
        n = rng.randint(250 * scale, 350 * scale)
        m = rng.choice([1_000_000_007, 998_244_353, rng.randint(10**8, 10**9)])
        calls.append([n, m])
    return calls
