"""Inputs for range_sums: `n q`, the array, then the queries."""

from __future__ import annotations

import random


def _case(rng: random.Random, n: int, q: int) -> str:
    a = [rng.randint(-1_000_000, 1_000_000) for _ in range(n)]
    lines = [f"{n} {q}", " ".join(map(str, a))]
    for _ in range(q):
        a_end = rng.randrange(n)
        b_end = rng.randrange(n)
        lines.append(f"{min(a_end, b_end)} {max(a_end, b_end)}")
    return "\n".join(lines) + "\n"


def test_inputs() -> list:
    rng = random.Random(5)
    return [
        "1 1\n5\n0 0\n",
        "3 3\n-1 2 -3\n0 2\n1 1\n2 2\n",
        "5 2\n1000000 1000000 1000000 1000000 1000000\n0 4\n3 4\n",
        _case(rng, 50, 40),
        _case(rng, 300, 200),
    ]


def perf_input_gen(scale: int) -> list:
    rng = random.Random(3000 + scale)
    return [_case(rng, 1250 * scale, 1250 * scale)]
