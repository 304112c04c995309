"""Inputs for most_frequent_substring: ties, overlaps, k out of range, DNA-like text."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    rng = random.Random(81)
    cases = [
        ["abc", 5],
        ["", 1],
        ["x", 1],
        ["aaaa", 2],
        ["banana", 2],
        ["banana", 3],
        ["ACGTACGTAC", 3],
        ["abcd", 4],
        ["zyxzyx", 1],
        ["ab ab ab", 3],
        ["bbbab", 2],
        ["yyyyxyzy", 2],
    ]
    for n, alphabet, k in ((30, "ab", 3), (80, "ACGT", 4), (200, "ACGT", 5), (150, "xyz", 2)):
        cases.append(["".join(rng.choice(alphabet) for _ in range(n)), k])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(8000 + scale)
    n = 150 * scale
    return [["".join(rng.choice("ACGT") for _ in range(n)), 6]]
