"""Inputs for mst_weight."""

from __future__ import annotations

import random


def _graph(rng: random.Random, n: int, m: int, lo: int, hi: int) -> list[list[int]]:
    order = list(range(n))
    rng.shuffle(order)
    edges = [[order[i - 1], order[i], rng.randint(lo, hi)] for i in range(1, n)]
    for _ in range(m - len(edges)):
        edges.append([rng.randrange(n), rng.randrange(n), rng.randint(lo, hi)])
    rng.shuffle(edges)
    return edges


def test_inputs() -> list[list]:
    rng = random.Random(113)
    cases = [
        [0, []],
        [1, []],
        [1, [[0, 0, 5]]],
        [2, []],
        [3, [[0, 1, 4], [1, 2, 2], [0, 2, 3]]],
        [3, [[0, 1, 1]]],
        [2, [[0, 1, 7], [1, 0, 3], [0, 1, 5]]],
        [4, [[0, 1, -2], [1, 2, 0], [2, 3, -5], [0, 3, 1]]],
        [4, [[0, 1, 1], [2, 3, 1]]],
    ]
    for n in (5, 8, 12, 20):
        cases.append([n, _graph(rng, n, 3 * n, -5, 30)])
    cases.append([10, _graph(rng, 6, 12, 1, 9)])  # vertices 6..9 isolated
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(11000 + scale)
    n = 25 * scale
    return [[n, _graph(rng, n, 5 * n, 1, 1000)]]
