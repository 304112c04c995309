"""ReferenceSet, DPS / DPS_norm, order checks and ScoreResult."""

from __future__ import annotations

import json
import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfcount
from perfcount.dpe.scoring import (
    OrderProblem,
    ReferenceOrderWarning,
    ReferenceSet,
    Score,
    ScoreResult,
)
from perfcount.errors import InvalidArgument


def test_from_costs_worked_example() -> None:
    # pool of 8 solutions (index: cost)
    #   clusters slow -> fast: {1: 9e6, 5: 8.5e6} {0: 2e6, 3: 1.9e6, 6: 1.95e6} {2: 3e5, 7: 2.9e5} {4: 1e4}
    # drops: 8.5e6->2e6 0.76 > 0.2+0.034; 1.9e6->3e5 0.84 > 0.27; 2.9e5->1e4 0.97 > 0.39
    pool = [2e6, 9e6, 3e5, 1.9e6, 1e4, 8.5e6, 1.95e6, 2.9e5]
    refs = ReferenceSet.from_costs(pool)
    assert refs.costs == (9e6, 2e6, 3e5, 1e4)
    assert refs.representatives == (1, 0, 2, 4)
    assert refs.sizes == (2, 3, 2, 1)
    assert refs.scores == pytest.approx((25.0, 62.5, 87.5, 100.0))
    assert refs.scores[-1] == 100.0
    assert len(refs) == 4
    assert refs.clusters is not None and len(refs.clusters) == 4
    assert refs.problems == () and refs.check_order() == []


def test_score_worked_example() -> None:
    refs = ReferenceSet([1000, 500, 100], [20, 60, 100], [1, 2, 2])
    # slower than every reference
    assert refs.score(2000) == Score(dps=0.0, dps_norm=0.0, cluster=-1)
    # between the slowest and the next: only t_1 = 1000 is slower
    assert refs.score(700) == Score(dps=20.0, dps_norm=100 / 3, cluster=0)
    # 1000 and 500 are slower than 400 -> max r_i = 60, i/m = 2/3
    assert refs.score(400) == Score(dps=60.0, dps_norm=200 / 3, cluster=1)
    # faster than the fastest reference
    assert refs.score(99) == Score(dps=100.0, dps_norm=100.0, cluster=2)
    assert refs.score(0) == Score(dps=100.0, dps_norm=100.0, cluster=2)


def test_a_tie_gets_credit_unless_the_rule_is_strict() -> None:
    refs = ReferenceSet([1000, 500, 100], [20, 60, 100])
    # the default is EvalPlus's `<=`: a candidate as costly as a reference gets its score
    assert refs.score(500) == Score(60.0, 200 / 3, 1)
    assert refs.score(1000) == Score(20.0, 100 / 3, 0)
    assert refs.score(100) == Score(100.0, 100.0, 2)
    # the paper's strict t_i > t*: exactly as slow as reference 1 -> only reference 0 counts
    assert refs.score(500, match="strict") == Score(20.0, 100 / 3, 0)
    assert refs.score(1000, match="strict") == Score(0.0, 0.0, -1)
    # the older spelling still works
    assert refs.score(500, inclusive=False) == refs.score(500, match="strict")
    assert refs.score(500, inclusive=True) == refs.score(500)
    with pytest.raises(InvalidArgument, match="match must be one of"):
        refs.score(500, match="loose")


def test_tolerance_widens_a_tie_and_the_margin_tells_how_close() -> None:
    refs = ReferenceSet([1000, 500, 100], [20, 60, 100])
    # 520 is 20 costlier than reference 1: no match without tolerance, a tie with 50
    assert refs.score(520).cluster == 0
    assert refs.score(520, tolerance=50).cluster == 1
    # strict: within the tolerance of a reference is a tie, and a tie does not count
    assert refs.score(480, match="strict").cluster == 1
    assert refs.score(480, match="strict", tolerance=50).cluster == 0
    s = refs.score(520)
    assert s.margin == -20.0 and s.fragile(50) and not s.fragile(10)
    assert refs.score(300).margin == 200.0  # nearest reference is 500 (or 100), 200 away
    assert refs.score(500).to_dict()["margin"] == 0.0
    with pytest.raises(InvalidArgument, match="tolerance"):
        refs.score(500, tolerance=-1)


@pytest.mark.parametrize("bad", [math.nan, -1.0, math.inf, "12", None, True])
def test_bad_candidate_cost(bad: object) -> None:
    refs = ReferenceSet([10, 5], [50, 100])
    with pytest.raises(InvalidArgument, match="cost must be"):
        refs.score(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("costs", "scores", "sizes", "message"),
    [
        ([], [], None, "at least one reference"),
        ([10, 5], [50], None, "2 reference costs but 1 scores"),
        ([10, 5], [50, 101], None, r"scores\[1\] is 101.0; scores are cumulative ratios in 0-100"),
        ([10, 5], [-1, 100], None, r"scores\[0\] is -1.0"),
        ([10, 5], [80, 60], None, r"scores\[1\] = 60.0 is below scores\[0\] = 80.0"),
        ([10, 5], [50, 100], [1], "sizes must be 2 positive integers"),
        ([10, 5], [50, 100], [1, 0], "sizes must be 2 positive integers"),
        ([10, math.nan], [50, 100], None, r"reference costs\[1\] is nan"),
        ([10, 5], ["50", 100], None, r"scores\[0\] is '50', not a number"),
        ([10, 5], [50, 100], [1.5, 2], "sizes must be 2 positive integers"),
    ],
)
def test_invalid_reference_sets(costs, scores, sizes, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        ReferenceSet(costs, scores, sizes)


def test_bad_policy() -> None:
    with pytest.raises(InvalidArgument, match="policy must be one of warn, drop, error, ignore"):
        ReferenceSet([2, 1], [50, 100], policy="fix")


def test_out_of_order_warn_keeps_and_warns() -> None:
    with pytest.warns(
        ReferenceOrderWarning,
        match=r"reference 1 \(cost 5\) is not slower than reference 2 \(cost 7\)",
    ):
        refs = ReferenceSet([10, 5, 7, 1], [25, 50, 75, 100], [1, 1, 1, 1])
    assert refs.costs == (10, 5, 7, 1)
    assert refs.problems == (OrderProblem(1, 5.0, 2, 7.0),)
    assert refs.check_order() == [OrderProblem(1, 5.0, 2, 7.0)]
    # scoring still uses the fastest slower reference: 6 is beaten by 10 and 7 (index 2)
    assert refs.score(6) == Score(75.0, 75.0, 2)


def test_out_of_order_drop_renormalises() -> None:
    refs = ReferenceSet(
        [10, 5, 7, 1], [25, 50, 75, 100], [1, 1, 1, 1], representatives=[3, 0, 2, 1], policy="drop"
    )
    assert refs.costs == (10, 7, 1)
    assert refs.scores == (25, 75, 100)
    assert refs.sizes == (1, 2, 1)  # the dropped cluster folds into the next faster one
    assert refs.representatives == (3, 2, 1)
    assert refs.dropped == (1,)
    assert refs.check_order() == []
    assert refs.score(6) == Score(75.0, 200 / 3, 1)


def test_equal_costs_are_an_order_problem_and_drop_keeps_the_fastest() -> None:
    refs = ReferenceSet([10, 4, 4, 4], [10, 20, 30, 100], policy="drop")
    assert refs.costs == (10, 4)
    assert refs.scores == (10, 100)
    assert refs.dropped == (1, 2)


def test_drop_compares_with_the_nearest_kept_reference() -> None:
    # fast -> slow: keep 1; 8 > 1 keep; 5 <= 8 drop; 6 <= 8 drop; 10 > 8 keep
    refs = ReferenceSet([10, 6, 5, 8, 1], [10, 20, 30, 40, 100], policy="ignore")
    assert [p.index for p in refs.check_order()] == [1, 2]
    assert all(p.next_index == 3 for p in refs.check_order())
    dropped = ReferenceSet([10, 6, 5, 8, 1], [10, 20, 30, 40, 100], policy="drop")
    assert dropped.costs == (10, 8, 1)


def test_error_and_ignore_policies() -> None:
    with pytest.raises(InvalidArgument, match="not strictly decreasing: reference 0"):
        ReferenceSet([1, 2], [50, 100], policy="error")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        refs = ReferenceSet([1, 2], [50, 100], policy="ignore")
    assert len(refs.problems) == 1


def test_with_costs_remeasured_on_a_new_machine() -> None:
    stored = ReferenceSet([1e6, 1e5, 1e4], [30, 70, 100], [3, 4, 3])
    here = stored.with_costs([2e6, 2.1e5, 1.9e4])
    assert here.costs == (2e6, 2.1e5, 1.9e4)
    assert here.scores == stored.scores and here.sizes == stored.sizes
    with pytest.warns(ReferenceOrderWarning):
        swapped = stored.with_costs([2e6, 1e4, 2e4])
    assert swapped.costs == (2e6, 1e4, 2e4)
    dropped = stored.with_costs([2e6, 1e4, 2e4], policy="drop")
    assert dropped.costs == (2e6, 2e4) and dropped.sizes == (3, 7)
    with pytest.raises(InvalidArgument, match="2 costs for 3 references"):
        stored.with_costs([1, 2])


def test_to_dict_round_trip() -> None:
    refs = ReferenceSet.from_costs([5e6, 1e4, 5.1e6, 2e5])
    again = ReferenceSet.from_dict(json.loads(json.dumps(refs.to_dict())))
    assert again == refs
    assert "m=3" in repr(refs)


def test_score_result_round_trip() -> None:
    result = ScoreResult(
        task_id="HumanEval/55",
        passed=True,
        status="ok",
        dps=68.75,
        dps_norm=200 / 3,
        cluster=1,
        cost=123456.0,
        metric="instructions",
        backend="valgrind",
        reference_costs=(1e6, 2e5, 1e4),
        extra={"model": "m-7b", "sample": 3},
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["model"] == "m-7b" and data["reference_costs"] == [1e6, 2e5, 1e4]
    assert ScoreResult.from_dict(data) == result
    assert hash(result) == hash(ScoreResult.from_dict(data))
    failed = ScoreResult(task_id="t", passed=False, status="timeout", error="timed out after 5 s")
    assert (failed.dps, failed.dps_norm, failed.cluster, failed.cost) == (0.0, 0.0, -1, None)
    assert ScoreResult.from_dict(failed.to_dict()) == failed
    with pytest.raises(InvalidArgument, match="needs 'task_id' and 'passed'"):
        ScoreResult.from_dict({"dps": 1})


def test_public_aliases() -> None:
    assert perfcount.ReferenceSet is ReferenceSet
    assert perfcount.Score is Score
    assert perfcount.ScoreResult is ScoreResult


@st.composite
def reference_sets(draw: st.DrawFn) -> ReferenceSet:
    m = draw(st.integers(min_value=1, max_value=8))
    costs = sorted(
        draw(st.sets(st.integers(min_value=1, max_value=10**9), min_size=m, max_size=m)),
        reverse=True,
    )
    steps = draw(st.lists(st.integers(min_value=0, max_value=50), min_size=m, max_size=m))
    cumulative = [float(sum(steps[: i + 1])) for i in range(m)]
    top = cumulative[-1] or 1.0
    scores = [100.0 * c / top for c in cumulative]
    scores[-1] = 100.0
    return ReferenceSet(costs, scores)


candidate_costs = st.one_of(
    st.integers(min_value=0, max_value=2 * 10**9).map(float),
    st.floats(min_value=0, max_value=2e9, allow_nan=False),
)


@pytest.mark.parametrize("match", ["strict", "inclusive"])
@settings(max_examples=150, deadline=None)
@given(refs=reference_sets(), cost=candidate_costs)
def test_score_is_the_papers_definition(refs: ReferenceSet, cost: float, match: str) -> None:
    s = refs.score(cost, match=match)
    m = len(refs)

    def counts(ref: float) -> bool:
        return ref > cost if match == "strict" else ref >= cost

    slower = [i for i in range(m) if counts(refs.costs[i])]
    assert s.dps == max([0.0] + [refs.scores[i] for i in slower])
    assert s.dps_norm == pytest.approx(max([0.0] + [100.0 * (i + 1) / m for i in slower]))
    assert 0.0 <= s.dps <= 100.0 and 0.0 <= s.dps_norm <= 100.0
    if s.cluster == -1:
        assert s.dps == 0.0 and s.dps_norm == 0.0 and not slower
    else:
        # the fastest reference that still counts (slower, or as slow when inclusive)
        assert counts(refs.costs[s.cluster])
        assert s.cluster == m - 1 or not counts(refs.costs[s.cluster + 1])
        assert s.dps == refs.scores[s.cluster]
        assert s.dps_norm == 100.0 * (s.cluster + 1) / m


@settings(max_examples=100, deadline=None)
@given(refs=reference_sets(), a=candidate_costs, b=candidate_costs)
def test_dps_is_non_increasing_in_cost(refs: ReferenceSet, a: float, b: float) -> None:
    fast, slow = sorted((a, b))
    assert refs.score(fast).dps >= refs.score(slow).dps
    assert refs.score(fast).dps_norm >= refs.score(slow).dps_norm
    assert refs.score(fast).cluster >= refs.score(slow).cluster


@settings(max_examples=50, deadline=None)
@given(refs=reference_sets(), costs=st.lists(candidate_costs, max_size=20), inclusive=st.booleans())
def test_score_many_matches_score(refs: ReferenceSet, costs: list[float], inclusive: bool) -> None:
    assert refs.score_many(costs, inclusive=inclusive) == [
        refs.score(c, inclusive=inclusive) for c in costs
    ]


@settings(max_examples=100, deadline=None)
@given(
    pool=st.lists(st.integers(min_value=0, max_value=10**10).map(float), min_size=1, max_size=40)
)
def test_from_costs_is_consistent_with_clustering(pool: list[float]) -> None:
    refs = ReferenceSet.from_costs(pool)
    assert refs.check_order() == []
    assert sum(refs.sizes or ()) == len(pool)
    assert refs.scores[-1] == 100.0
    assert list(refs.scores) == sorted(refs.scores)
    assert all(pool[r] == c for r, c in zip(refs.representatives or (), refs.costs))
    # the slowest solution of the pool scores 0, the fastest scores 100 unless it is in the slowest cluster
    assert refs.score(max(pool), match="strict").dps == 0.0
    # inclusive: the slowest solution is the slowest reference, and matches it
    assert refs.score(max(pool)).dps == refs.scores[0]
