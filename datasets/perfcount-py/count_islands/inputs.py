"""Inputs for count_islands."""

from __future__ import annotations

import random


def _map(rng: random.Random, rows: int, cols: int, land: float) -> list[str]:
    return ["".join("1" if rng.random() < land else "0" for _ in range(cols)) for _ in range(rows)]


def test_inputs() -> list[list]:
    rng = random.Random(97)
    cases = [
        [[]],
        [["", ""]],
        [["1"]],
        [["0"]],
        [["000"]],
        [["110", "010", "001"]],
        [["101", "010", "101"]],
        [["111", "101", "111"]],
        [["1", "0", "1", "1"]],
        [["10101"]],
        [["1111", "1001", "1011", "0001"]],
    ]
    for rows, cols in ((5, 7), (8, 8), (12, 6), (15, 15)):
        cases.append([_map(rng, rows, cols, 0.5)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(9000 + scale)
    n = 8 * scale
    return [[_map(rng, n, n, 0.5)]]
