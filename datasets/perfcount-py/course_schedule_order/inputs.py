"""Inputs for course_order."""

from __future__ import annotations

import random


def _dag(rng: random.Random, n: int, m: int) -> list[list[int]]:
    order = list(range(n))
    rng.shuffle(order)
    pairs = []
    for _ in range(m):
        i, j = sorted(rng.sample(range(n), 2))
        pairs.append([order[j], order[i]])  # order[i] comes before order[j]
    return pairs


def test_inputs() -> list[list]:
    rng = random.Random(101)
    cases = [
        [0, []],
        [1, []],
        [1, [[0, 0]]],
        [3, []],
        [3, [[1, 0], [2, 0]]],
        [3, [[0, 2]]],
        [2, [[0, 1], [1, 0]]],
        [4, [[1, 0], [1, 0], [3, 2]]],
        [5, [[0, 4], [4, 3], [3, 2], [2, 1]]],
        [4, [[1, 0], [2, 1], [0, 2], [3, 3]]],
    ]
    for n in (6, 9, 12, 20):
        pairs = _dag(rng, n, 2 * n)
        cases.append([n, pairs])
    cyclic = _dag(rng, 10, 15)
    cyclic.append([cyclic[0][1], cyclic[0][0]])
    cases.append([10, cyclic])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(10000 + scale)
    n = 60 * scale
    return [[n, _dag(rng, n, 2 * n)]]
