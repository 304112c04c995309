"""Inputs for power_sum_mod: trivial exponents/moduli and a large exponent workload."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(111)
    cases = [
        [0, 5, 13],
        [1, 0, 1],
        [3, 2, 100],
        [4, 3, 7],
        [10, 0, 1000],
        [10, 1, 1000],
        [25, 7, 1],
        [30, 12, 2],
        [50, 13, 64],
        [100, 101, 101],
        [60, 20011, 997],
    ]
    for _ in range(4):
        cases.append([rng.randint(1, 200), rng.randint(0, 500), rng.randint(2, 5000)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(11000 + scale)
    n = 700 * scale
    e = 10**6 + rng.randint(0, 10**5)
    m = 500 + rng.randint(0, 50) * scale
    return [[n, e, m]]
