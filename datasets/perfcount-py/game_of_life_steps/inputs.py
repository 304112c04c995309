"""Inputs for life_after: still lifes, oscillators, edges, a random soup."""

from __future__ import annotations

import random


def _soup(rng: random.Random, rows: int, cols: int, density: float) -> list[list[int]]:
    return [[1 if rng.random() < density else 0 for _ in range(cols)] for _ in range(rows)]


def test_inputs() -> list[list]:
    rng = random.Random(151)
    glider = [[0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0]] + [[0] * 6] * 3
    cases = [
        [[], 3],
        [[[]], 2],
        [[[1]], 1],
        [[[1, 1], [1, 1]], 5],
        [[[0, 0, 0], [1, 1, 1], [0, 0, 0]], 1],
        [[[0, 0, 0], [1, 1, 1], [0, 0, 0]], 2],
        [[[1, 0, 1], [0, 1, 0]], 0],
        [glider, 4],
        [glider, 12],
        [[[1, 1, 1, 1, 1, 1, 1]], 1],
    ]
    for rows, cols, steps in ((5, 5, 3), (8, 13, 6), (20, 20, 10)):
        cases.append([_soup(rng, rows, cols, 0.35), steps])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(15000 + scale)
    size = 12 * scale
    return [[_soup(rng, size, size, 0.3), 6]]
