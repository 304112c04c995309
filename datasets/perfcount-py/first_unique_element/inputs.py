"""Inputs for first_unique: no answer, answer 0, and a long list whose answer is near the end."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(91)
    cases = [
        [[]],
        [[7, 7]],
        [[5]],
        [[0, 1, 1]],
        [[1, 2, 3]],
        [[4, 5, 4, 6, 5]],
        [[2, 2, 3, 3, 4, 4]],
        [[-1, -2, -1, -2, -3]],
        [[9, 8, 9, 8, 7, 6, 7]],
    ]
    for n, hi in ((10, 4), (30, 12), (80, 40), (200, 150)):
        cases.append([[rng.randint(-hi, hi) for _ in range(n)]])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    """Every value repeated except three singles placed in the last tenth."""
    rng = random.Random(9000 + scale)
    n = 250 * scale
    values = [v for v in range(n // 3) for _ in range(3)]
    rng.shuffle(values)
    tail = len(values) - len(values) // 10
    for single in (-1, -2, -3):
        values.insert(rng.randint(tail, len(values)), single)
    return [[values]]
