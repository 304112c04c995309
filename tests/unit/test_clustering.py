"""Adaptive clustering: worked examples, edge cases and the paper's rule as a property."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfcount
from perfcount.dpe.clustering import Cluster, cluster, split_points
from perfcount.errors import InvalidArgument


def paper_cluster(costs: list[float], bias: float = 0.2, weight: float = 10_000) -> list[list[int]]:
    """Figure 3 of the paper, transcribed with plain Python, on indices.

    Ties keep input order; a zero cost never splits from what follows it.
    """
    order = sorted(range(len(costs)), key=lambda i: (-costs[i], i))
    groups: list[list[int]] = []
    current: list[int] = []
    for pos, i in enumerate(order):
        current.append(i)
        if pos + 1 < len(order):
            t, nxt = costs[i], costs[order[pos + 1]]
            if t > 0 and (t - nxt) / t > bias + math.sqrt(weight / t):
                groups.append(current)
                current = []
    if current:
        groups.append(current)
    return [sorted(g) for g in groups]  # perfcount lists members by index


def as_lists(clusters: list[Cluster]) -> list[list[int]]:
    return [c.members.tolist() for c in clusters]


def test_worked_example_by_hand() -> None:
    # slow -> fast: 1e6, 9.5e5 | 4e5, 3.9e5 | 1e4
    #   1e6   -> 9.5e5: drop 0.05   vs 0.2 + sqrt(1e4/1e6)   = 0.300  no split
    #   9.5e5 -> 4e5  : drop 0.579  vs 0.2 + sqrt(1e4/9.5e5) = 0.303  split
    #   4e5   -> 3.9e5: drop 0.025  vs 0.358                         no split
    #   3.9e5 -> 1e4  : drop 0.974  vs 0.2 + sqrt(1e4/3.9e5) = 0.360  split
    costs = [400_000, 10_000, 1_000_000, 390_000, 950_000]
    got = cluster(costs)
    assert as_lists(got) == [[2, 4], [0, 3], [1]]
    assert [c.size for c in got] == [2, 2, 1]
    assert [(c.slowest, c.fastest) for c in got] == [
        (1_000_000, 950_000),
        (400_000, 390_000),
        (10_000, 10_000),
    ]
    assert [c.representative for c in got] == [2, 0, 1]


def test_threshold_uses_the_slower_cost() -> None:
    # 40000 -> 10000: drop 0.75. With t_i = 40000 the threshold is 0.2 + 0.5 = 0.7
    # (split); with t_{i+1} = 10000 it would be 0.2 + 1.0 = 1.2 (no split).
    assert as_lists(cluster([40_000, 10_000])) == [[0], [1]]
    # 40000 -> 20000: drop 0.5 < 0.7: no split
    assert as_lists(cluster([40_000, 20_000])) == [[0, 1]]


def test_small_costs_need_a_larger_gap() -> None:
    # the same 50 % drop splits large costs but not small ones
    assert len(cluster([2e8, 1e8])) == 2
    assert len(cluster([2_000, 1_000])) == 1


def test_bias_and_weight_parameters() -> None:
    costs = [100.0, 90.0, 50.0]
    assert as_lists(cluster(costs, bias=0.0, weight=0.0)) == [[0], [1], [2]]
    assert as_lists(cluster(costs, bias=0.2, weight=0.0)) == [[0, 1], [2]]
    assert as_lists(cluster(costs, bias=0.5, weight=0.0)) == [[0, 1, 2]]


def test_empty_and_single() -> None:
    assert cluster([]) == []
    (only,) = cluster([7.5])
    assert only.members.tolist() == [0]
    assert (only.slowest, only.fastest, only.size, only.representative) == (7.5, 7.5, 1, 0)


def test_ties_never_split_and_keep_input_order() -> None:
    (c,) = cluster([5, 5, 5], bias=0.0, weight=0.0)
    assert c.members.tolist() == [0, 1, 2]
    assert c.representative == 0
    got = cluster([3e6, 1e6, 3e6, 1e6])
    assert as_lists(got) == [[0, 2], [1, 3]]
    assert [c.representative for c in got] == [0, 1]


def test_zero_costs() -> None:
    # all zeros: one cluster, whatever the parameters
    assert as_lists(cluster([0, 0, 0], bias=0.0, weight=0.0)) == [[0, 1, 2]]
    # a zero can split from a slower positive cost (drop 1.0 > 0.2 + 0.1) ...
    assert as_lists(cluster([1e6, 0.0])) == [[0], [1]]
    # ... but nothing splits after a zero
    got = cluster([0.0, 1e6, 0.0], bias=0.0, weight=0.0)
    assert as_lists(got) == [[1], [0, 2]]
    assert got[1].slowest == 0.0 and got[1].fastest == 0.0


@pytest.mark.parametrize(
    ("costs", "index", "shown"),
    [
        ([1.0, 2.0, math.nan], 2, "nan"),
        ([1.0, -3.0], 1, "-3.0"),
        ([math.inf, 1.0], 0, "inf"),
        (np.array([4.0, 5.0, -math.inf]), 2, "-inf"),
    ],
)
def test_bad_costs_name_the_index(costs: list[float], index: int, shown: str) -> None:
    with pytest.raises(
        InvalidArgument, match=rf"^costs\[{index}\] is {shown}; costs must be finite"
    ):
        cluster(costs)


def test_bad_costs_are_value_errors_too() -> None:
    with pytest.raises(ValueError, match=r"costs\[1\] is 'x', not a number"):
        cluster([1, "x"])
    with pytest.raises(ValueError, match=r"costs\[0\] is None, not a number"):
        cluster([None, 1])
    with pytest.raises(InvalidArgument, match="one-dimensional"):
        cluster([[1, 2], [3, 4]])


@pytest.mark.parametrize(("bias", "weight"), [(-0.1, 1), (0.2, -1), (math.nan, 1), (0.2, math.inf)])
def test_bad_parameters(bias: float, weight: float) -> None:
    with pytest.raises(InvalidArgument, match=r"bias|weight"):
        cluster([1, 2], bias=bias, weight=weight)


def test_accepts_numpy_generators_and_ints() -> None:
    costs = [5_000_000, 1_000, 4_900_000]
    expected = [[0, 2], [1]]
    assert as_lists(cluster(np.array(costs, dtype=np.int64))) == expected
    assert as_lists(cluster(c for c in costs)) == expected
    assert as_lists(cluster(tuple(costs))) == expected


def test_members_are_read_only_and_clusters_compare() -> None:
    a = cluster([1e6, 1e3])
    assert not a[0].members.flags.writeable
    assert a == cluster([1e6, 1e3])
    assert a != cluster([1e6, 2e3])
    assert a[0].to_dict() == {
        "size": 1,
        "slowest": 1e6,
        "fastest": 1e6,
        "representative": 0,
        "members": [0],
    }


def test_many_clusters_take_the_binary_search_path() -> None:
    # 60 costs halving each time: each drop is 0.5 > 0.2 + sqrt(1/t) for t >= 10
    costs = [1e20 / 2**i for i in range(60)]
    rng = np.random.default_rng(3)
    shuffled = rng.permutation(costs).tolist()
    got = cluster(shuffled, weight=1.0)
    assert as_lists(got) == paper_cluster(shuffled, weight=1.0)
    assert len(got) == 60


def test_public_alias() -> None:
    assert perfcount.cluster is cluster
    assert perfcount.Cluster is Cluster


costs_strategy = st.lists(
    st.one_of(
        st.floats(min_value=0, max_value=1e10, allow_nan=False, allow_infinity=False),
        st.integers(min_value=0, max_value=10**9).map(float),
        st.sampled_from([0.0, 1.0, 10_000.0, 1e6]),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(
    costs=costs_strategy,
    bias=st.floats(min_value=0, max_value=1.5),
    weight=st.sampled_from([0.0, 1.0, 100.0, 10_000.0, 1e6]),
)
def test_matches_the_paper_rule(costs: list[float], bias: float, weight: float) -> None:
    got = cluster(costs, bias=bias, weight=weight)
    assert as_lists(got) == paper_cluster(costs, bias, weight)


@settings(max_examples=200, deadline=None)
@given(costs=costs_strategy)
def test_partition_contiguous_and_split_exactly_where_the_rule_says(costs: list[float]) -> None:
    got = cluster(costs)
    members = sorted(i for c in got for i in c.members.tolist())
    assert members == list(range(len(costs)))  # a partition of the indices
    for c in got:
        values = [costs[i] for i in c.members.tolist()]
        assert c.slowest == max(values) and c.fastest == min(values)
        assert c.size == len(values)
        assert c.members.tolist() == sorted(c.members.tolist())
        assert c.representative == min(i for i in c.members.tolist() if costs[i] == c.slowest)
    for slower, faster in itertools.pairwise(got):
        # contiguous in sorted order: every member of a slower cluster is slower
        assert slower.fastest > faster.slowest
        # and the boundary satisfies the rule, computed with the slower cost
        t, nxt = slower.fastest, faster.slowest
        assert (t - nxt) / t > 0.2 + math.sqrt(10_000 / t)
    for c in got:  # inside a cluster, no adjacent pair satisfies the rule
        values = sorted((costs[i] for i in c.members.tolist()), reverse=True)
        for t, nxt in itertools.pairwise(values):
            assert t == 0 or not (t - nxt) / t > 0.2 + math.sqrt(10_000 / t)


def test_split_points_on_sorted_costs() -> None:
    assert split_points(np.array([1e6, 9.5e5, 4e5, 3.9e5, 1e4])).tolist() == [2, 4]
    assert split_points(np.array([5.0])).tolist() == []


# ------------------------------------------------------------------ CLI


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfcount", "cluster", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_json_with_labels(tmp_path: Path) -> None:
    costs = tmp_path / "costs.txt"
    costs.write_text("# solution  instructions\ns01 9_000_000\ns02 8500000\ns03 2e6\ns04 10000\n")
    done = _cli(str(costs), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["n"] == 4
    assert [c["members"] for c in out["clusters"]] == [["s01", "s02"], ["s03"], ["s04"]]
    assert [c["representative"] for c in out["clusters"]] == ["s01", "s03", "s04"]
    assert [c["score"] for c in out["clusters"]] == [50.0, 75.0, 100.0]


def test_cli_table_from_stdin_and_errors() -> None:
    done = _cli("-", "--weight", "0", "--bias", "0.5", stdin="[100, 90, 40]")
    assert done.returncode == 0, done.stderr
    assert "3 costs -> 2 clusters (bias 0.5, weight 0)" in done.stdout
    bad = _cli("-", stdin="12\n13 oops\n")
    assert bad.returncode == 2
    assert bad.stderr.startswith("perfcount: error: <stdin>:2: 'oops' is not a number")
    neg = _cli("-", stdin="5\n-3\n")
    assert neg.returncode == 2 and "costs[1] is -3.0" in neg.stderr
