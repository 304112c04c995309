"""The shipped ``perfcount-py`` dataset: valid, correct references, coherent scores.

Everything but the last test works from the stored data plus fast native
checks; the last rebuilds the cheapest task with ``curate`` under callgrind and
compares it with the stored line.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from perfcount._util import plain
from perfcount.dpe.clustering import cluster
from perfcount.dpe.datasets import Dataset, Task, load_dataset
from perfcount.dpe.scoring import ReferenceSet

ROOT = Path(__file__).resolve().parents[2]
TASK_DIRS = ROOT / "datasets" / "perfcount-py"

# Instructions: each solution does at least a "hello world" worth of work, the
# slowest reference stays within the curation cost cap (kept fast to re-profile).
MIN_COST = 10_000
MAX_COST = 2e8


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset("perfcount-py")


def test_by_name_is_the_checked_in_file(dataset: Dataset) -> None:
    """The name resolves to the repository's file (or an installed copy equal to it)."""
    from perfcount.dpe.datasets import read_dataset

    checked_in = read_dataset(ROOT / "datasets" / "perfcount-py.jsonl")
    assert [dataset[t].to_dict() for t in dataset] == [
        checked_in[t].to_dict() for t in checked_in
    ], (
        f"{dataset.path} differs from datasets/perfcount-py.jsonl: the installed copy is stale; "
        "reinstall (flock /tmp/perfcount-build.lock pip install --no-build-isolation -e . -q)"
    )


def _tasks(dataset: Dataset) -> list[Task]:
    return [dataset[t] for t in dataset]


def test_loads_by_name_and_is_valid(dataset: Dataset) -> None:
    assert dataset.name == "perfcount-py"
    assert len(dataset) >= 8
    for task in _tasks(dataset):
        m = len(task.reference)
        assert m >= 4, f"{task.task_id}: {m} clusters"
        assert len(task.scores) == len(task.cluster_sizes) == len(task.reference_costs) == m
        sizes = list(task.cluster_sizes)
        total = sum(sizes)
        cumulative = [100.0 * sum(sizes[: i + 1]) / total for i in range(m)]
        assert list(task.scores) == pytest.approx(cumulative), task.task_id
        assert task.scores[-1] == 100
        cur = task.curation
        assert cur["backend"] == "valgrind" and cur["metric"] == "instructions"
        costs = cur["costs"]
        assert len(costs) == total, f"{task.task_id}: every kept solution has a cost"
        assert min(costs.values()) >= MIN_COST, task.task_id
        assert max(task.reference_costs) <= MAX_COST, task.task_id
        assert [costs[n] for n in cur["reference_names"]] == list(task.reference_costs)
        # the task folder it came from still holds these references
        folder = TASK_DIRS / task.task_id
        for name, source in zip(cur["reference_names"], task.reference):
            assert (folder / "solutions" / f"{name}.py").read_text() == source
        assert task.tests and len(task.tests) == len(task.expected)
        assert task.pe_input


def test_references_ordered_slow_to_fast(dataset: Dataset) -> None:
    for task in _tasks(dataset):
        costs = list(task.reference_costs)
        assert all(a > b for a, b in itertools.pairwise(costs)), f"{task.task_id}: {costs}"
        assert not ReferenceSet(costs, task.scores).check_order()


def test_stored_costs_reproduce_the_clusters(dataset: Dataset) -> None:
    """Clustering the stored pool costs again gives the stored sizes and references."""
    for task in _tasks(dataset):
        cur = task.curation
        names = sorted(cur["costs"], key=lambda n: (-cur["costs"][n], n))
        clusters = cluster([cur["costs"][n] for n in names], bias=cur["bias"], weight=cur["weight"])
        assert [c.size for c in clusters] == list(task.cluster_sizes), task.task_id
        assert [names[c.representative] for c in clusters] == cur["reference_names"]


def test_references_pass_their_tests_natively(dataset: Dataset) -> None:
    from perfcount.execute.runner import Runner

    with Runner("software", verify=False, timeout=30) as runner:  # check() always runs natively
        for task in _tasks(dataset):
            tests = plain.decode(task.tests)
            for i, source in enumerate(task.reference):
                chk = runner.check(
                    source,
                    task.entry_point,
                    tests,
                    list(task.expected),
                    atol=task.atol or 0,
                    rtol=task.rtol or 0,
                )
                assert chk.passed, f"{task.task_id} reference {i}: {chk.error}"


def test_scoring_on_stored_costs(dataset: Dataset) -> None:
    """Pure scoring on stored costs: the DPS of every pool solution is coherent."""
    for task in _tasks(dataset):
        costs = list(task.reference_costs)
        refs = ReferenceSet(costs, task.scores, task.cluster_sizes)
        fastest_pool = min(task.curation["costs"].values())
        # faster than every reference -> 100; just under the slowest -> its cluster's ratio
        assert refs.score(costs[-1] - 1).dps == 100
        assert refs.score(costs[-1] - 1).dps_norm == 100
        assert refs.score(costs[0] - 1).dps == task.scores[0]
        assert refs.score(costs[0] - 1).dps_norm == pytest.approx(100 / len(costs))
        # inclusive (the default): as slow as the slowest reference gets its score
        assert refs.score(costs[0]).dps == task.scores[0]
        assert refs.score(costs[0], match="strict").dps == 0  # strict: nothing
        # the pool's fastest solution scores 100 (strict: unless it is the fastest reference)
        assert refs.score(fastest_pool).dps == 100
        expected = 100 if fastest_pool < costs[-1] else task.scores[-2]
        assert refs.score(fastest_pool, match="strict").dps == expected
        # every pool member scores its own cluster's ratio unless it is that cluster's reference
        cur = task.curation
        start = 0
        for j, size in enumerate(task.cluster_sizes):
            names = sorted(cur["costs"], key=lambda n: (-cur["costs"][n], n))[start : start + size]
            for n in names:
                # inclusive: every member scores its cluster's ratio, its reference included
                assert refs.score(cur["costs"][n]).dps == task.scores[j], (task.task_id, n)
                strict = (
                    task.scores[j]
                    if n != cur["reference_names"][j]
                    else (task.scores[j - 1] if j else 0)
                )
                assert refs.score(cur["costs"][n], match="strict").dps == strict, (task.task_id, n)
            start += size


def _cheapest(dataset: Dataset) -> Task:
    return min(_tasks(dataset), key=lambda t: sum(t.curation["costs"].values()))


@pytest.mark.needs_valgrind
def test_rebuild_one_task_matches_the_stored_line(dataset: Dataset) -> None:
    from perfcount.pipeline.curation import curate

    stored = _cheapest(dataset)
    report = curate(TASK_DIRS, tasks=[stored.task_id], backend="valgrind", progress=False)
    outcome = report.outcome(stored.task_id)
    assert outcome.kept, outcome.reason
    rebuilt = report[stored.task_id]
    assert list(rebuilt.reference) == list(stored.reference)
    assert list(rebuilt.scores) == list(stored.scores)
    assert list(rebuilt.cluster_sizes) == list(stored.cluster_sizes)
    assert rebuilt.pe_input == stored.pe_input
    assert rebuilt.curation["scale"] == stored.curation["scale"]
    assert rebuilt.curation["reference_names"] == stored.curation["reference_names"]
    # callgrind counts repeat to ~0.05 % with one runner; changes to the sandbox
    # around the candidate (environment, namespaces) moved some by ~1 %
    old, new = stored.curation["costs"], rebuilt.curation["costs"]
    assert set(old) == set(new)
    for name in old:
        assert math.isclose(new[name], old[name], rel_tol=0.02), (name, old[name], new[name])


@pytest.mark.parametrize("name", ["samples-demo.jsonl", "samples-full.jsonl"])
def test_sample_files_match_the_candidates(dataset: Dataset, name: str) -> None:
    """Every sample is a task's candidate file; wrong_* fail the tests, the others pass."""
    import json

    from perfcount.execute.runner import Runner

    rows = [json.loads(x) for x in (ROOT / "examples" / name).read_text().splitlines()]
    levels = {r["level"] for r in rows}
    assert {"fast", "slow", "wrong", "timeout"} <= levels
    if name == "samples-full.jsonl":
        assert {r["task_id"] for r in rows} == set(dataset)
    with Runner("software", verify=False, timeout=10) as runner:  # check() runs natively
        for r in rows:
            task = dataset[r["task_id"]]
            path = TASK_DIRS / r["task_id"] / "candidates" / f"{r['candidate']}.py"
            assert path.read_text() == r["solution"], path
            assert r["candidate"].startswith(r["level"] + "_")
            chk = runner.check(
                r["solution"],
                task.entry_point,
                task.test_inputs(),
                list(task.expected),
                atol=task.atol,
                rtol=task.rtol,
            )
            if r["level"] == "wrong":
                assert not chk.passed, f"{path} passes its task's tests"
            else:
                assert chk.passed, f"{path}: {chk.error}"
