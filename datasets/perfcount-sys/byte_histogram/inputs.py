"""Inputs for byte_histogram: text payloads on stdin."""

from __future__ import annotations

import random

_ALPHABET = "etaoinshrdlucmfwypvbgkjqxz" + "ETAOIN" + "0123456789" + " .,;:!?-'\n"


def _text(rng: random.Random, n: int) -> str:
    weights = [1.0 / (i + 1) for i in range(len(_ALPHABET))]
    return "".join(rng.choices(_ALPHABET, weights, k=n))


def test_inputs() -> list:
    rng = random.Random(11)
    return ["", "a", "aaaa", "hello, world\n", "\n\n\t~", _text(rng, 1000), _text(rng, 5000)]


def perf_input_gen(scale: int) -> list:
    rng = random.Random(1000 + scale)
    return [_text(rng, 16_384 * scale)]
