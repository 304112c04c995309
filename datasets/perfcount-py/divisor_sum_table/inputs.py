"""Inputs for divisor_sums: empty, tiny and medium tables; the workload is one big table."""

from __future__ import annotations


def test_inputs() -> list[list]:
    return [[0], [1], [2], [6], [12], [30], [97], [128], [360], [1000]]


def perf_input_gen(scale: int) -> list[list]:
    return [[180 * scale]]
