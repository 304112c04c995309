"""Inputs for edit_distance."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(23)
    cases = [
        ["", ""],
        ["", "abc"],
        ["abc", ""],
        ["same", "same"],
        ["kitten", "sitting"],
        ["flaw", "lawn"],
        ["abc", "cba"],
        ["Abc", "abc"],
        ["a b!", "ab!"],
        ["aaaa", "aa"],
        ["intention", "execution"],
    ]
    for n, m in ((7, 9), (12, 10), (16, 16), (20, 5)):
        a = "".join(rng.choice("acgt") for _ in range(n))
        b = "".join(rng.choice("acgt") for _ in range(m))
        cases.append([a, b])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(2000 + scale)
    n = 25 * scale
    a = "".join(rng.choice("acgt") for _ in range(n))
    # b is a mutated copy of a, so the distance is well below n
    chars = list(a)
    for _ in range(n // 4):
        i = rng.randrange(len(chars))
        op = rng.randrange(3)
        if op == 0:
            chars[i] = rng.choice("acgt")
        elif op == 1:
            del chars[i]
        else:
            chars.insert(i, rng.choice("acgt"))
    return [[a, "".join(chars)]]
