"""Inputs for matrix_multiply: `n seed` (the program generates the matrices)."""

from __future__ import annotations


def test_inputs() -> list:
    return ["1 1\n", "2 7\n", "3 42\n", "5 123\n", "17 9\n", "33 2024\n"]


def perf_input_gen(scale: int) -> list:
    return [f"{24 * scale} {scale}\n"]
