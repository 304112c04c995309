"""Aggregation of per-sample scores: per task, per dataset, pairwise, bootstrap CI."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfcount.dpe.aggregate import (
    ConfidenceInterval,
    bootstrap_ci,
    compare,
    per_task,
    summarize,
)
from perfcount.dpe.scoring import ScoreResult
from perfcount.errors import InvalidArgument


def rec(task: str, passed: bool, dps: float = 0.0, norm: float | None = None) -> dict:
    return {
        "task_id": task,
        "passed": passed,
        "dps": dps,
        "dps_norm": dps if norm is None else norm,
    }


RECORDS = [
    rec("a", True, 50, 40),
    rec("a", True, 100, 100),
    rec("a", False),
    rec("b", False),
    rec("c", True, 20, 25),
]


def test_per_task_by_hand() -> None:
    tasks = per_task(RECORDS)
    assert list(tasks) == ["a", "b", "c"]
    a = tasks["a"]
    assert (a.n_samples, a.n_passed) == (3, 2)
    assert a.pass_at_1 == pytest.approx(200 / 3)
    assert (a.dps, a.dps_min, a.dps_max) == (75.0, 50.0, 100.0)
    assert (a.dps_norm, a.dps_norm_min, a.dps_norm_max) == (70.0, 40.0, 100.0)
    b = tasks["b"]
    assert (b.pass_at_1, b.dps, b.dps_norm, b.scored) == (0.0, None, None, False)
    assert tasks["c"].to_dict()["dps_max"] == 20.0


def test_summary_averages_over_passed_tasks_only() -> None:
    s = summarize(RECORDS)
    assert (s.n_tasks, s.n_scored, s.n_samples) == (3, 2, 5)
    assert s.pass_at_1 == pytest.approx((200 / 3 + 0 + 100) / 3)
    assert s.dps == pytest.approx((75 + 20) / 2)
    assert s.dps_min == pytest.approx((50 + 20) / 2)
    assert s.dps_max == pytest.approx((100 + 20) / 2)
    assert s.dps_norm == pytest.approx((70 + 25) / 2)
    assert summarize(per_task(RECORDS)) == s  # accepts per-task summaries too


def test_first_passed_limits_the_samples_used() -> None:
    records = [rec("t", False), rec("t", True, 10), rec("t", True, 30), rec("t", True, 90)]
    t = per_task(records, first_passed=2)["t"]
    assert (t.n_samples, t.n_passed, t.dps, t.dps_max) == (4, 3, 20.0, 30.0)
    with pytest.raises(InvalidArgument, match="first_passed must be a positive integer"):
        per_task(records, first_passed=0)


def test_no_passed_task() -> None:
    s = summarize([rec("a", False), rec("b", False)])
    assert (s.n_scored, s.dps, s.dps_norm, s.pass_at_1) == (0, None, None, 0.0)
    assert summarize([]).n_tasks == 0


def test_score_results_are_records_too() -> None:
    results = [
        ScoreResult(task_id="x", passed=True, dps=80.0, dps_norm=75.0, cluster=2),
        ScoreResult(task_id="x", passed=False, status="timeout"),
    ]
    t = per_task(results)["x"]
    assert (t.n_samples, t.n_passed, t.dps, t.dps_norm) == (2, 1, 80.0, 75.0)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"passed": True, "dps": 1, "dps_norm": 1}, "record 0: task_id must be a string"),
        ({"task_id": "t", "passed": "yes"}, r"record 0 \(t\): passed must be true/false"),
        ({"task_id": "t", "passed": True, "dps_norm": 1}, r"a passed sample needs a numeric dps"),
        (
            {"task_id": "t", "passed": True, "dps": 101, "dps_norm": 1},
            "dps = 101.0 is outside 0-100",
        ),
        (42, "record 0 is a int"),
    ],
)
def test_bad_records(record: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        per_task([record])


def test_compare_over_common_passed_tasks() -> None:
    a = [rec("t1", True, 80), rec("t2", True, 50), rec("t3", True, 100), rec("t4", False)]
    b = [
        rec("t1", True, 60),
        rec("t2", True, 50),
        rec("t3", True, 90),
        rec("t3", True, 100),
        rec("t4", True, 10),
        rec("t5", True, 5),
    ]
    c = compare(a, b)
    assert c.tasks == ("t1", "t2", "t3")
    assert (c.wins, c.ties, c.losses) == (2, 1, 0)
    assert c.a == pytest.approx((80 + 50 + 100) / 3)
    assert c.b == pytest.approx((60 + 50 + 95) / 3)
    assert (
        c.win_rate == pytest.approx(2 / 3)
        and c.tie_rate == pytest.approx(1 / 3)
        and c.loss_rate == 0.0
    )
    assert c.only_a == () and c.only_b == ("t4", "t5")
    assert c.difference == pytest.approx(c.a - c.b)
    assert c.to_dict()["per_task"][0] == ["t1", 80.0, 60.0]
    # a tolerance turns small differences into ties
    assert (compare(a, b, tolerance=5).wins, compare(a, b, tolerance=5).ties) == (1, 2)
    # the other direction swaps wins and losses
    r = compare(b, a)
    assert (r.wins, r.ties, r.losses) == (0, 1, 2)


def test_compare_without_common_tasks_and_bad_metric() -> None:
    c = compare([rec("x", True, 10)], [rec("y", True, 10)], metric="dps_norm")
    assert c.n == 0 and c.a is None and c.win_rate == 0.0 and c.difference is None
    with pytest.raises(InvalidArgument, match="metric must be one of dps, dps_norm"):
        compare([], [], metric="speedup")


def _records(values: list[float]) -> list[dict]:
    return [rec(f"t{i}", True, v) for i, v in enumerate(values)]


def test_bootstrap_is_seeded_and_brackets_the_mean() -> None:
    values = [12.0, 95.0, 40.0, 66.0, 70.0, 5.0, 88.0, 51.0, 33.0, 100.0, 77.0, 20.0]
    ci = bootstrap_ci(_records(values), n_resamples=2000, seed=7)
    assert ci.method == "BCa" and ci.n == 12 and ci.n_resamples == 2000
    assert ci.estimate == pytest.approx(sum(values) / len(values))
    assert ci.low < ci.estimate < ci.high
    assert ci.low >= 0.0 and ci.high <= 100.0
    assert bootstrap_ci(_records(values), n_resamples=2000, seed=7) == ci
    assert bootstrap_ci(_records(values), n_resamples=2000, seed=8) != ci
    wider = bootstrap_ci(_records(values), n_resamples=2000, seed=7, confidence=0.99)
    assert wider.low <= ci.low and wider.high >= ci.high
    pct = bootstrap_ci(_records(values), n_resamples=2000, method="percentile")
    assert pct.method == "percentile" and pct.low < pct.estimate < pct.high


def test_bootstrap_degenerate_cases() -> None:
    assert bootstrap_ci(_records([42.0])) == ConfidenceInterval(
        42.0, 42.0, 42.0, 0.95, "degenerate", 1, 0
    )
    same = bootstrap_ci(_records([60.0, 60.0, 60.0]))
    assert (same.low, same.high, same.method) == (60.0, 60.0, "degenerate")
    none = bootstrap_ci([rec("a", False)])
    assert none.estimate is None and none.n == 0


def test_bootstrap_falls_back_when_bca_cannot_be_computed() -> None:
    # with two resamples of two tasks, BCa's bias correction is often undefined
    # (scipy warns and returns nan); the percentile interval is used instead
    methods = set()
    for seed in range(20):
        ci = bootstrap_ci(_records([50.0, 0.0]), n_resamples=2, seed=seed)
        methods.add(ci.method)
        assert ci.method in ("BCa", "percentile", "unavailable")
        if ci.method != "unavailable":
            assert math.isfinite(ci.low) and math.isfinite(ci.high)
    assert "percentile" in methods
    # one resample cannot spread at all: no interval rather than a fake one
    one = bootstrap_ci(_records([10.0, 30.0, 80.0]), n_resamples=1)
    assert (one.method, one.low, one.high, one.estimate) == ("unavailable", None, None, 40.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "t"}, "method must be"),
        ({"confidence": 1.0}, "confidence must be a float in"),
        ({"n_resamples": 0}, "n_resamples must be a positive integer"),
        ({"metric": "x"}, "metric must be one of"),
    ],
)
def test_bootstrap_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        bootstrap_ci(_records([1.0, 2.0]), **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.booleans(),
            st.floats(min_value=0, max_value=100),
        ),
        max_size=30,
    )
)
def test_summary_properties(samples: list[tuple[str, bool, float]]) -> None:
    records = [rec(t, p, v) for t, p, v in samples]
    tasks = per_task(records)
    s = summarize(records)
    assert s.n_samples == len(records)
    assert s.n_scored == sum(1 for t in tasks.values() if t.n_passed)
    for t in tasks.values():
        assert 0 <= t.pass_at_1 <= 100
        if t.scored:
            assert t.dps_min <= t.dps + 1e-9 and t.dps <= t.dps_max + 1e-9
    if s.dps is not None:
        assert s.dps_min - 1e-9 <= s.dps <= s.dps_max + 1e-9
    self_cmp = compare(records, records)
    assert self_cmp.wins == self_cmp.losses == 0 and self_cmp.ties == s.n_scored
