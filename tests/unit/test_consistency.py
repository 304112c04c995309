"""The CPU-time check: a count that hides most of a candidate's work is flagged."""

from __future__ import annotations

import pytest

from perfcount.dpe.consistency import CpuModel, cpu_model, suspect


def test_model_is_the_most_generous_line_through_the_references() -> None:
    m = cpu_model([(1e6, 0.30), (1e7, 0.40), (1e8, 1.30), (None, 5.0), (1e9, None)])
    assert m == CpuModel(fixed_s=0.30, per_unit_s=pytest.approx(1e-8), n=3)
    assert m.allowed(1e8, factor=1, floor=0) == pytest.approx(1.30)


def test_no_references_no_verdict() -> None:
    assert cpu_model([]) is None
    assert cpu_model([(None, None), (0, 1.0)]) is None
    assert suspect(1e6, 10.0, None) is None
    assert suspect(1e6, None, cpu_model([(1e6, 0.3)])) is None


def test_a_count_that_hides_the_work_is_suspect() -> None:
    refs = cpu_model([(1e6, 0.30), (1e8, 1.30)])
    # honest: a cost like the slow reference's, with its CPU time
    assert suspect(1e8, 1.4, refs) is None
    # claims the fast reference's cost but burns far more CPU than that cost allows
    why = suspect(1e6, 20.0, refs)
    assert why is not None and "20.000 s" in why and "1,000,000" in why
    # within the factor and floor: noise, not a verdict
    assert suspect(1e6, 1.5, refs) is None
