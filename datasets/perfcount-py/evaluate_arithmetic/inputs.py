"""Inputs for evaluate_arithmetic."""

from __future__ import annotations

import random


def _expr(rng: random.Random, size: int) -> str:
    """A random valid expression with about ``size`` literals and O(log size) nesting."""
    if size <= 1:
        text = str(rng.randint(0, 999))
        return "-" + text if rng.random() < 0.1 else text
    parts = rng.randint(2, 4)
    cut = sorted(rng.sample(range(1, size), min(parts - 1, size - 1)))
    sizes = [b - a for a, b in zip([0, *cut], [*cut, size])]
    out = []
    for i, s in enumerate(sizes):
        sub = _expr(rng, s)
        if s > 1 and rng.random() < 0.6:
            sub = "(" + sub + ")"
            if rng.random() < 0.15:
                sub = "-" + sub
        if i:
            # "*" only next to a literal, so values stay moderate (no group * group)
            ops = ["+", " + ", "-", " - "]
            if s == 1 or sizes[i - 1] == 1:
                ops += ["*", " * "]
            out.append(rng.choice(ops))
        out.append(sub)
    return "".join(out)


def test_inputs() -> list[list]:
    rng = random.Random(139)
    cases = [
        ["0"],
        ["42"],
        ["1+2*3"],
        ["(1+2)*3"],
        [" 2 * ( 3 - 5 ) "],
        ["10-2-3"],
        ["-3"],
        ["--4"],
        ["2*-3"],
        ["-2*3"],
        ["-(4-10)*2"],
        ["((((7))))"],
        ["100000*100000*100000*100000"],
        ["1 - -1"],
    ]
    for size in (3, 6, 10, 20):
        cases.append([_expr(rng, size)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(15000 + scale)
    return [[_expr(rng, 28 * scale)]]
