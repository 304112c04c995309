"""Inputs for count_integer_partitions."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(67)
    cases = [[n] for n in (0, 1, 2, 3, 4, 5, 10, 12, 100)]
    cases += [[rng.randint(6, 80)] for _ in range(5)]
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(6000 + scale)
    return [[20 * scale + rng.randint(0, scale)]]
