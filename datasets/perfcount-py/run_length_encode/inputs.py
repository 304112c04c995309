"""Inputs for run_length_encode: runs of many lengths, digits, whitespace."""

from __future__ import annotations

import random


def _runs(rng: random.Random, n_runs: int, alphabet: str, longest: int) -> str:
    parts = []
    prev = ""
    for _ in range(n_runs):
        ch = rng.choice(alphabet)
        while ch == prev:
            ch = rng.choice(alphabet)
        parts.append(ch * rng.randint(1, longest))
        prev = ch
    return "".join(parts)


def test_inputs() -> list[list]:
    rng = random.Random(51)
    cases = [
        [""],
        ["x"],
        ["aaabcc"],
        ["aAaa"],
        ["112"],
        ["a" * 12],
        ["ab" * 6],
        ["  \n\n\t"],
        ["z" * 103 + "b"],
        ["ééèè€"],
    ]
    cases.append([_runs(rng, 20, "abc", 4)])
    cases.append([_runs(rng, 60, "0123456789", 15)])
    cases.append([_runs(rng, 100, "xy z", 120)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(5000 + scale)
    return [[_runs(rng, 400 * scale, "abcdefghij", 40)]]
