"""Inputs for substring_count: a pattern line, then a text with planted occurrences."""

from __future__ import annotations

import random


def _case(rng: random.Random, n: int, m: int, alphabet: str, plants: int) -> str:
    pattern = "".join(rng.choices(alphabet, k=m))
    text = rng.choices(alphabet, k=n)
    for _ in range(plants):
        at = rng.randrange(max(1, n - m))
        text[at : at + m] = pattern
    return pattern + "\n" + "".join(text)


def test_inputs() -> list:
    rng = random.Random(3)
    return [
        "a\n",
        "a\naaaa",
        "aa\naaaa",
        "abc\nxxabcxabcabc",
        "needle\nhaystack without it",
        "longer than text\nshort",
        "ab\nab\nab\nab",
        _case(rng, 2000, 3, "ab", 20),
        _case(rng, 5000, 12, "acgt", 30),
    ]


def _runs(rng: random.Random, n: int, m: int) -> str:
    """Long runs of 'a' broken by rare 'b': the pattern a^(m-1) b matches a long
    prefix almost everywhere, so position-by-position search does ~m comparisons
    per position while KMP, Horspool and rare-byte anchoring stay linear."""
    text = "".join(rng.choices("ab", [0.96, 0.04], k=n))
    return "a" * (m - 1) + "b\n" + text


def perf_input_gen(scale: int) -> list:
    rng = random.Random(4000 + scale)
    n = 16_384 * scale
    return [_runs(rng, n, 32), _case(rng, n, 16, "abcdefghijklmnopqrstuvwxyz ", 300)]
