"""Inputs for longest_unique_substring: classic traps and a long random text."""

from __future__ import annotations

import random
import string

_ALPHABET = string.ascii_letters + string.digits


def test_inputs() -> list[list]:
    rng = random.Random(41)
    cases = [
        [""],
        ["a"],
        ["bbbb"],
        ["abcabcbb"],
        ["pwwkew"],
        ["abba"],
        ["dvdf"],
        ["tmmzuxt"],
        ["aAbBcC aa"],
        ["héllo wörld"],
        [string.ascii_lowercase * 2],
    ]
    for n, k in ((10, 3), (50, 8), (200, 26), (300, 62)):
        cases.append(["".join(rng.choice(_ALPHABET[:k]) for _ in range(n))])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(4000 + scale)
    n = 500 * scale
    return [["".join(rng.choice(_ALPHABET) for _ in range(n))]]
