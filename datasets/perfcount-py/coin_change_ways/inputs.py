"""Inputs for count_coin_change_ways."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(37)
    cases = [
        [0, []],
        [0, [3, 4]],
        [7, []],
        [5, [1, 2, 5]],
        [3, [2]],
        [10, [10]],
        [4, [5, 7]],
        [3, [1, 2]],
        [12, [3, 1, 6, 2]],
        [100, [1, 5, 10, 25, 50]],
    ]
    for amount in (17, 33, 58, 90):
        coins = rng.sample(range(1, 20), rng.randint(1, 5))
        cases.append([amount, coins])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(3000 + scale)
    amount = 50 * scale
    coins = [*rng.sample(range(2, 40), 7), 1]
    rng.shuffle(coins)
    return [[amount, coins]]
