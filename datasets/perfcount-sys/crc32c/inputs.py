"""Inputs for crc32c: byte payloads on stdin (printable text, so they store as JSON strings)."""

from __future__ import annotations

import random
import string

_CHARS = string.ascii_letters + string.digits + string.punctuation + " \n"


def test_inputs() -> list:
    rng = random.Random(7)
    return [
        "",
        "a",
        "123456789",
        "The quick brown fox jumps over the lazy dog\n",
        "".join(rng.choices(_CHARS, k=7)),
        "".join(rng.choices(_CHARS, k=4099)),
    ]


def perf_input_gen(scale: int) -> list:
    rng = random.Random(2000 + scale)
    return ["".join(rng.choices(_CHARS, k=32_768 * scale))]
