"""perfcount.score(): one solution against one task, with the reference cache."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_evaluate import CANDIDATES, CC_SCORES, write_mini_dataset

from perfcount.errors import DatasetError, InvalidArgument


@pytest.fixture
def mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(tmp_path / "cache"))
    return write_mini_dataset(tmp_path / "mini.jsonl")


@pytest.fixture(scope="module")
def vg() -> Iterator[Any]:
    """One valgrind fork server for the module (starting one takes seconds)."""
    from perfcount.execute.runner import Runner

    with Runner("valgrind") as runner:
        yield runner


@pytest.fixture
def profile_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the source of every Runner.profile call (the real method still runs)."""
    from perfcount.execute.runner import Runner

    calls: list[str] = []
    real = Runner.profile

    def counting(self, solution, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(solution)
        return real(self, solution, *args, **kwargs)

    monkeypatch.setattr(Runner, "profile", counting)
    return calls


@pytest.mark.needs_valgrind
def test_score_clusters_and_reference_cache(
    mini: Path, tmp_path: Path, profile_calls: list[str], vg: Any
) -> None:
    import perfcount as pc
    from perfcount.dpe.scoring import ScoreResult

    fast = pc.score(CANDIDATES["count_common"]["fast"], "count_common", dataset=mini, runner=vg)
    assert isinstance(fast, ScoreResult)
    assert (fast.passed, fast.status, fast.cluster, fast.dps, fast.dps_norm) == (
        True,
        "ok",
        2,
        100.0,
        100.0,
    )
    assert fast.backend == "valgrind" and fast.metric == "instructions"
    assert fast.task_id == "count_common" and fast.error is None
    # faster than the fastest reference: only that one was needed (lazy, fast→slow)
    assert fast.reference_costs[:2] == (None, None) and fast.reference_costs[2] > fast.cost
    assert len(profile_calls) == 2  # candidate + the fastest reference
    assert len(list((tmp_path / "cache" / "references").glob("*.json"))) == 1

    with pytest.raises(InvalidArgument, match="runner given"):
        pc.score(
            "def count_common(a, b): return 0",
            "count_common",
            dataset=mini,
            runner=vg,
            backend="software",
        )

    # the medium candidate needs the next two references; the fastest comes from the cache
    profile_calls.clear()
    medium = pc.score(CANDIDATES["count_common"]["medium"], "count_common", dataset=mini, runner=vg)
    assert (medium.cluster, medium.dps) == (0, CC_SCORES[0])
    assert medium.dps_norm == pytest.approx(100 / 3)
    costs = medium.reference_costs
    assert costs[0] > medium.cost > costs[1] > costs[2] == fast.reference_costs[2]
    assert len(profile_calls) == 3  # candidate + references 1 and 0

    # everything cached now: a third score profiles the candidate only
    profile_calls.clear()
    slow = pc.score(CANDIDATES["count_common"]["slow"], "count_common", dataset=mini, runner=vg)
    assert (slow.passed, slow.cluster, slow.dps, slow.dps_norm) == (True, -1, 0.0, 0.0)
    assert slow.cost > slow.reference_costs[0]
    assert profile_calls == [CANDIDATES["count_common"]["slow"]]
    assert slow.reference_costs == costs

    # cache=False measures afresh (callgrind counts repeat to within ~0.1 %)
    profile_calls.clear()
    again = pc.score(
        CANDIDATES["count_common"]["slow"], "count_common", dataset=mini, runner=vg, cache=False
    )
    assert len(profile_calls) == 4
    assert again.reference_costs == pytest.approx(costs, rel=1e-2)


@pytest.mark.needs_valgrind
def test_score_task_without_tests_uses_fastest_reference_outputs(mini: Path, vg: Any) -> None:
    import perfcount as pc

    wrong = pc.score(CANDIDATES["sum_squares"]["wrong"], "sum_squares", dataset=mini, runner=vg)
    assert (wrong.passed, wrong.status, wrong.dps, wrong.cluster) == (False, "failed", 0.0, -1)
    assert "wrong output" in wrong.error
    medium = pc.score(CANDIDATES["sum_squares"]["medium"], "sum_squares", dataset=mini, runner=vg)
    assert (medium.passed, medium.cluster, medium.dps) == (True, 0, 50.0)


def test_score_accepts_a_function_object(mini: Path) -> None:
    import functools

    import perfcount as pc

    def deco(fn):  # type: ignore[no-untyped-def]
        @functools.wraps(fn)
        def wrapper(*a):  # type: ignore[no-untyped-def]
            raise AssertionError("the decorator must not run inside the candidate")

        return wrapper

    @deco
    def my_count(a, b):  # type: ignore[no-untyped-def]
        return sum(map(set(a).__contains__, b))

    res = pc.score(my_count, "count_common", dataset=mini, backend="software")
    assert res.passed and res.status == "ok" and res.metric == "task-clock"
    assert res.cost > 0 and 0 <= res.dps <= 100


def test_solution_source_extraction_and_errors() -> None:
    from perfcount.pipeline.evaluation import solution_source

    def helper(x):  # type: ignore[no-untyped-def]
        return x + 1

    text = solution_source(helper, "entry")
    assert text.startswith("def helper(x):") and text.rstrip().endswith("entry = helper")
    ns: dict = {}
    exec(text, ns)
    assert ns["entry"](1) == 2

    with pytest.raises(InvalidArgument, match="lambda"):
        solution_source(lambda x: x)
    with pytest.raises(InvalidArgument, match="cannot use a int"):
        solution_source(3)  # type: ignore[arg-type]
    ns = {}
    exec("def made():\n    return 1\n", ns)
    with pytest.raises(InvalidArgument, match="cannot find the source code of 'made'"):
        solution_source(ns["made"])
    with pytest.raises(InvalidArgument, match="empty"):
        solution_source("   \n")


def test_score_failures_and_unknown_tasks(mini: Path, tmp_path: Path) -> None:
    import perfcount as pc

    with pytest.raises(
        InvalidArgument,
        match=r"unknown task id 'count_commons'.*did you mean "
        r"'count_common'",
    ):
        pc.score("def f(): pass", "count_commons", dataset=mini)

    boom = pc.score(
        "def count_common(a, b):\n    raise ValueError('no')\n",
        "count_common",
        dataset=mini,
        backend="software",
    )
    assert (boom.passed, boom.status, boom.dps, boom.dps_norm) == (False, "failed", 0.0, 0.0)
    assert "ValueError" in boom.error

    hang = pc.score(
        "def count_common(a, b):\n    while True:\n        pass\n",
        "count_common",
        dataset=mini,
        backend="software",
        timeout=1,
    )
    assert (hang.passed, hang.status, hang.dps) == (False, "timeout", 0.0)

    path = tmp_path / "noref.jsonl"
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "noref", "version": "1"}
    task = {"task_id": "t", "entry_point": "f", "reference": [], "scores": [], "pe_input": [[1]]}
    path.write_text(json.dumps(header) + "\n" + json.dumps(task) + "\n")
    with pytest.raises(DatasetError, match="reference"):
        pc.score("def f(x): return x", "t", dataset=path)


def test_a_reference_that_fails_here_is_reported(tmp_path: Path, mini: Path) -> None:
    """A reference that breaks when re-profiled is skipped for matching and named in the result."""
    import perfcount as pc

    path = tmp_path / "brittle.jsonl"
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "brittle", "version": "1"}
    task = {
        "task_id": "tri",
        "entry_point": "f",
        "reference": [
            "def f(n):\n    return sum(i for i in range(n))\n",
            "def f(n):\n    if n > 100:\n        raise ValueError('too big for me')\n"
            "    return n * (n - 1) // 2\n",
        ],
        "scores": [60.0, 100.0],
        "pe_input": [[20000]],
        "tests": [[1], [5], [10]],
        "expected": [0, 10, 45],
    }
    path.write_text(json.dumps(header) + "\n" + json.dumps(task) + "\n")
    res = pc.score(
        "def f(n):\n    return n * (n - 1) // 2\n", "tri", dataset=path, backend="software"
    )
    assert (res.passed, res.status, res.cluster, res.dps) == (True, "ok", 0, 60.0)
    assert res.reference_costs[1] is None and res.reference_costs[0] > res.cost
    assert "reference 1 (score 100) failed on this machine (failed)" in res.error
    assert "ValueError" in res.error
