"""Inputs for parse_config."""

from __future__ import annotations

import random

_WORDS = ["alpha", "beta", "gamma", "delta", "host", "port", "user", "path", "mode", "level"]


def _config(rng: random.Random, sections: int, keys: int) -> str:
    lines = []
    if rng.random() < 0.5:
        lines.append(f"top_{rng.randint(0, 9)} = {rng.randint(0, 99)}")
    for _ in range(sections):
        name = f"{rng.choice(_WORDS)}_{rng.randint(0, sections // 2 + 1)}"
        lines.append(rng.choice([f"[{name}]", f"[ {name} ]", f"  [{name}]"]))
        for _ in range(keys):
            r = rng.random()
            if r < 0.08:
                lines.append(rng.choice(["# comment", "; another comment", "   # indented", ""]))
                continue
            key = f"{rng.choice(_WORDS)}{rng.randint(0, keys)}"
            value = rng.choice(
                [str(rng.randint(0, 10**6)), rng.choice(_WORDS) * rng.randint(1, 3), "", "a=b"]
            )
            sep = rng.choice(["=", " = ", "= ", "\t=\t"])
            lines.append(f"{key}{sep}{value}")
    return "\n".join(lines) + rng.choice(["", "\n"])


def test_inputs() -> list[list]:
    rng = random.Random(149)
    cases = [
        [""],
        ["\n\n"],
        ["# only a comment"],
        ["a=1\n[db]\nhost = x\n# note\nport=5=6\n[empty]\n"],
        ["[s]\nk=1\nk=2"],
        ["[s]\nk=1\n[t]\nk=3\n[s]\nj=2"],
        ["  key  =  spaced value  \n"],
        ["[ a b ]\nx=\n;c\ny = =\n"],
        ["[A]\nKey=Value\n[a]\nkey=value"],
        ["\t[tabs]\t\n\tk\t=\tv\t"],
    ]
    for sections, keys in ((1, 3), (3, 4), (5, 6), (8, 10)):
        cases.append([_config(rng, sections, keys)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(16000 + scale)
    return [[_config(rng, scale, 200)]]
