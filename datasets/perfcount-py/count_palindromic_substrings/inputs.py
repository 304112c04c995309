"""Inputs for count_palindromic_substrings: small alphabets make many palindromes."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(61)
    cases = [
        [""],
        ["x"],
        ["abc"],
        ["aaa"],
        ["abba"],
        ["Aa"],
        ["racecar"],
        ["a" * 30],
        ["ab" * 15],
        ["abcba xyzyx"],
    ]
    for n, alphabet in ((8, "ab"), (25, "abc"), (60, "ab"), (120, "abcd")):
        cases.append(["".join(rng.choice(alphabet) for _ in range(n))])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(6000 + scale)
    n = 60 * scale
    return [["".join(rng.choice("ab") for _ in range(n))]]
