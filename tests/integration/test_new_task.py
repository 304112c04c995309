"""`python -m perfcount new-task DIR` writes a task folder that curation keeps as it is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfcount", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.needs_valgrind
def test_new_task_curates_as_it_is(tmp_path: Path) -> None:
    made = cli(tmp_path, "new-task", "pool/pair_sums")
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "pool" / "pair_sums"
    assert {p.name for p in folder.iterdir()} >= {
        "task.json",
        "README.md",
        "inputs.py",
        "tests.json",
        "solutions",
    }
    tests = json.loads((folder / "tests.json").read_text())
    assert len(tests["inputs"]) == len(tests["expected"]) >= 5
    done = cli(
        tmp_path, "curate", "pool", "-o", "ds.jsonl", "--backend", "valgrind", "--no-progress"
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (tmp_path / "ds.jsonl").read_text().splitlines()]
    task = next(r for r in rows if r.get("task_id") == "pair_sums")
    assert len(task["reference"]) >= 4 and task["scores"][-1] == 100.0


def test_new_task_refuses_a_non_empty_folder_and_bad_names(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    busy = cli(tmp_path, "new-task", "busy")
    assert busy.returncode == 2 and "not empty" in busy.stderr
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"
    bad = cli(tmp_path, "new-task", "has space")
    assert bad.returncode == 2 and "task id" in bad.stderr


WRONG_FOR_SMALL = """
def count_pairs_with_sum(xs, target):
    if len(xs) < 3:
        return 1  # wrong for every short list
    from collections import Counter
    seen, count = Counter(), 0
    for x in xs:
        count += seen[target - x]
        seen[x] += 1
    return count
"""


@pytest.mark.needs_valgrind
def test_a_folder_without_tests_json_is_checked_on_test_inputs(tmp_path: Path) -> None:
    from perfcount.pipeline.curation import curate

    assert cli(tmp_path, "new-task", "pool/pair_sums").returncode == 0
    folder = tmp_path / "pool" / "pair_sums"
    (folder / "tests.json").unlink()  # an own task: only inputs.py's test_inputs()
    (folder / "solutions" / "s5_wrong_for_short_lists.py").write_text(WRONG_FOR_SMALL)
    rep = curate(tmp_path / "pool", backend="valgrind", progress=False)
    (outcome,) = rep.outcomes
    assert "s5_wrong_for_short_lists" in outcome.dropped_solutions
    assert "test" in outcome.dropped_solutions["s5_wrong_for_short_lists"]


def test_a_task_without_any_tests_is_refused_unless_allowed(tmp_path: Path) -> None:
    from perfcount.errors import InvalidArgument
    from perfcount.pipeline.curation import curate

    row = {
        "task_id": "t",
        "entry_point": "f",
        "solutions": ["def f(n):\n    return n\n"],
        "pe_input": [[3]],
    }
    with pytest.raises(InvalidArgument, match="no tests") as info:
        curate([row], backend="software", progress=False)
    assert "--allow-no-tests" in str(info.value)
    rep = curate(
        [row],
        backend="software",
        progress=False,
        allow_no_tests=True,
        min_clusters=1,
        min_cost=0,
        max_cv=10.0,
    )
    assert len(rep.outcomes) == 1
