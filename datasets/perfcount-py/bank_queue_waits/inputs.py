"""Inputs for bank_wait_times: idle tellers, zero service, bursts; a busy day at large times."""

from __future__ import annotations

import random


def _day(rng: random.Random, n: int, tellers: int, service: int, load: float) -> list[list[int]]:
    gap = service / (tellers * load)
    t = 0
    customers = []
    for _ in range(n):
        t += rng.randint(0, int(2 * gap))
        customers.append([t, rng.randint(service // 2, service * 3 // 2)])
    return customers


def test_inputs() -> list[list]:
    rng = random.Random(141)
    cases = [
        [[], 3],
        [[[0, 5], [1, 3], [2, 1]], 1],
        [[[0, 5], [1, 3], [2, 1]], 2],
        [[[0, 2], [10, 2]], 3],
        [[[0, 0], [0, 0], [0, 4]], 1],
        [[[3, 4], [3, 4], [3, 4], [3, 4]], 2],
        [[[0, 7]], 5],
        [[[0, 10], [0, 1], [1, 1], [2, 1], [3, 1]], 2],
    ]
    for n, tellers, service, load in ((10, 1, 6, 0.9), (30, 3, 10, 1.1), (60, 4, 12, 0.8)):
        cases.append([_day(rng, n, tellers, service, load), tellers])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(14000 + scale)
    tellers = 32 * scale
    return [[_day(rng, 500 * scale, tellers, 100_000_000, 0.97), tellers]]
