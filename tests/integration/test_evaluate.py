"""perfcount.evaluate() end to end on a tiny dataset written here.

The dataset ("mini") has two tasks whose references differ clearly in cost
under callgrind (instruction counts, deterministic), so candidates land in
known clusters:

count_common(a, b) — has tests; references slow→fast, scores [30, 80, 100]:
  r0 nested loops that never stop early   ~ 0.86 M instructions
  r1 ``x in a`` on the list                ~ 0.39 M
  r2 a dict built in a Python loop         ~ 0.06 M
sum_squares(n) — EvalPerf-style, no tests (expected outputs come from the
  fastest reference); scores [50, 90, 100]:
  r0 O(n²) additions, r1 one loop, r2 closed form.

Other test modules import the helpers (``write_mini_dataset``, ``CANDIDATES``).
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from perfcount._util import plain
from perfcount.errors import DatasetError, InvalidArgument

CC_REFS = [
    # r0: scans all of `a` for every query, even after a match
    """
def count_common(a, b):
    count = 0
    for x in b:
        found = False
        for y in a:
            if x == y:
                found = True
        if found:
            count += 1
    return count
""",
    # r1: list membership (C loop, but linear per query)
    """
def count_common(a, b):
    count = 0
    for x in b:
        if x in a:
            count += 1
    return count
""",
    # r2: a dict built in a Python loop, O(1) membership
    """
def count_common(a, b):
    seen = {}
    for y in a:
        seen[y] = True
    count = 0
    for x in b:
        if x in seen:
            count += 1
    return count
""",
]

SS_REFS = [
    """
def sum_squares(n):
    total = 0
    for i in range(n):
        for _ in range(i):
            total += i
    return total
""",
    """
def sum_squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total
""",
    """
def sum_squares(n):
    return (n - 1) * n * (2 * n - 1) // 6
""",
]

CANDIDATES: dict[str, dict[str, str]] = {
    "count_common": {
        # scans `a` twice per query: slower than every reference -> cluster -1, DPS 0
        "slow": """
def count_common(a, b):
    count = 0
    for x in b:
        found = False
        for _ in range(2):
            for y in a:
                if x == y:
                    found = True
        if found:
            count += 1
    return count
""",
        # copies the list per query: between r0 and r1 -> cluster 0, DPS 30
        "medium": """
def count_common(a, b):
    count = 0
    for x in b:
        if x in list(a):
            count += 1
    return count
""",
        # all in C: faster than the fastest reference -> cluster 2, DPS 100
        "fast": """
def count_common(a, b):
    return sum(map(set(a).__contains__, b))
""",
        "wrong": """
def count_common(a, b):
    return len(b)
""",
    },
    "sum_squares": {
        "slow": """
def sum_squares(n):
    total = 0
    for i in range(n):
        for _ in range(i):
            for _ in range(2):
                total += i
    return total // 2
""",
        # the one loop three times over: between r0 and r1 -> cluster 0, DPS 50
        "medium": """
def sum_squares(n):
    total = 0
    for i in range(n):
        for _ in range(3):
            total += i * i
    return total // 3
""",
        "wrong": """
def sum_squares(n):
    return n * n
""",
    },
}

CC_SCORES = [30.0, 80.0, 100.0]
SS_SCORES = [50.0, 90.0, 100.0]


def _cc_reference(a: list[int], b: list[int]) -> int:
    return sum(1 for x in b if x in set(a))


def write_mini_dataset(path: Path, *, version: str = "1") -> Path:
    """The two-task dataset in perfcount's JSONL format (header + one task a line)."""
    cc_tests = [[[1, 2, 3], [2, 3, 4]], [[], [1]], [[5, 5, 6], [5, 7, 6, 6]], [[0], []]]
    header = {
        "format": "perfcount-dataset",
        "format_version": 1,
        "name": "mini",
        "version": version,
        "backend": "valgrind",
    }
    cc = {
        "task_id": "count_common",
        "entry_point": "count_common",
        "reference": CC_REFS,
        "scores": CC_SCORES,
        "pe_input": [[list(range(0, 140, 2)), list(range(70))]],
        "tests": cc_tests,
        "expected": [plain.encode(_cc_reference(*t)) for t in cc_tests],
        "description": "How many elements of b occur in a.",
    }
    ss = {
        "task_id": "sum_squares",
        "entry_point": "sum_squares",
        "reference": SS_REFS,
        "scores": SS_SCORES,
        "pe_input": [[40]],
        "description": "Sum of i*i for i in range(n).",
    }
    path.write_text("\n".join(json.dumps(o) for o in (header, cc, ss)) + "\n")
    return path


def write_samples(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def sample_rows() -> list[dict[str, Any]]:
    cc, ss = CANDIDATES["count_common"], CANDIDATES["sum_squares"]
    return [
        {"task_id": "count_common", "solution": cc["slow"], "model": "m", "name": "slow"},
        {"task_id": "count_common", "solution": cc["medium"], "model": "m", "name": "medium"},
        {"task_id": "count_common", "solution": cc["fast"], "model": "m", "name": "fast"},
        # the same as "fast" up to whitespace: checked and profiled once
        {"task_id": "count_common", "solution": "\n\n" + cc["fast"] + "   \n", "name": "fast2"},
        {"task_id": "count_common", "solution": cc["wrong"], "model": "m", "name": "wrong"},
        {"task_id": "sum_squares", "solution": ss["slow"], "model": "m", "name": "slow"},
        {"task_id": "sum_squares", "solution": ss["medium"], "model": "m", "name": "medium"},
        {"task_id": "sum_squares", "solution": ss["wrong"], "model": "m", "name": "wrong"},
    ]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(d))
    return d


# ---------------------------------------------------------------- valgrind, end to end


@pytest.mark.needs_valgrind
def test_evaluate_valgrind_clusters_and_results_file(tmp_path: Path, cache_dir: Path) -> None:
    from perfcount.pipeline.evaluation import Evaluation, compare, evaluate

    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    samples = write_samples(tmp_path / "samples.jsonl", sample_rows())
    ev = evaluate(samples, ds, backend="valgrind", workers=1, progress=False)

    assert ev.path == str(tmp_path / "samples.results.jsonl")
    assert ev.header["backend"] == "valgrind" and ev.header["metric"] == "instructions"
    assert ev.header["dataset"] == {"name": "mini", "version": "1"}
    by_name = {(s["task_id"], s["name"]): s for s in ev.samples}
    assert len(by_name) == 8

    slow, medium, fast, fast2, wrong = (
        by_name["count_common", n] for n in ("slow", "medium", "fast", "fast2", "wrong")
    )
    assert (slow["passed"], slow["cluster"], slow["dps"], slow["dps_norm"]) == (True, -1, 0.0, 0.0)
    assert (medium["cluster"], medium["dps"]) == (0, 30.0)
    assert medium["dps_norm"] == pytest.approx(100 / 3)
    assert (fast["cluster"], fast["dps"], fast["dps_norm"]) == (2, 100.0, 100.0)
    assert fast2["duplicate_of"] == fast["sample"] and fast2["cost"] == fast["cost"]
    assert wrong["passed"] is False and wrong["status"] == "failed" and wrong["dps"] == 0.0
    assert "wrong output" in wrong["error"]
    # extra fields are carried along
    assert medium["model"] == "m"
    # costs are instruction counts ordered like the references they fall between
    refs = medium["reference_costs"]
    assert refs[0] > medium["cost"] > refs[1] > refs[2] > fast["cost"]
    assert slow["cost"] > refs[0]

    # the task without tests: expected outputs derived from the fastest reference
    ss = {s["name"]: s for s in ev.samples if s["task_id"] == "sum_squares"}
    assert ss["wrong"]["passed"] is False and ss["wrong"]["status"] == "failed"
    assert (ss["slow"]["cluster"], ss["slow"]["dps"]) == (-1, 0.0)
    assert (ss["medium"]["cluster"], ss["medium"]["dps"]) == (0, 50.0)

    tasks = {t["task_id"]: t for t in ev.tasks}
    cc = tasks["count_common"]
    assert cc["n_samples"] == 5 and cc["n_passed"] == 4 and cc["pass@1"] == 80.0
    assert cc["n_distinct"] == 4
    assert cc["dps"] == pytest.approx((0 + 30 + 100 + 100) / 4)
    assert (cc["dps_min"], cc["dps_max"]) == (0.0, 100.0)
    assert [r["status"] for r in cc["references"]] == ["ok", "ok", "ok"]
    assert cc["fingerprint"] and cc["hostname"]

    s = ev.summary
    assert s["n_tasks"] == 2 and s["n_samples"] == 8 and s["n_scored_tasks"] == 2
    assert s["pass@1"] == pytest.approx((80 + 200 / 3) / 2)
    assert s["dps"] == pytest.approx((cc["dps"] + tasks["sum_squares"]["dps"]) / 2)
    lo, hi = s["dps_ci"]
    assert lo <= s["dps"] <= hi

    # the file reads back to the same numbers, and a run compared with itself ties
    again = Evaluation.load(ev.path)
    assert again.samples == ev.samples and again.tasks == ev.tasks
    cmp = compare(ev, again)
    assert cmp["n_common"] == 2 and cmp["ties"] == 2 and cmp["win_rate"] == 0.0
    frame = ev.to_pandas()
    assert list(frame.index) == ["count_common", "sum_squares"]
    assert ev.to_pandas("samples").shape[0] == 8

    # a second run over the same file resumes: nothing left to do, same results
    before = Path(ev.path).read_bytes()
    ev2 = evaluate(samples, ds, backend="valgrind", workers=1, progress=False)
    assert Path(ev.path).read_bytes() == before
    assert ev2.samples == ev.samples


def test_max_profile_and_min_correct(tmp_path: Path, cache_dir: Path) -> None:
    """EvalPerf's gate; the software backend is enough (only statuses are asserted)."""
    from perfcount.pipeline.evaluation import evaluate

    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    cc = CANDIDATES["count_common"]
    rows = [
        {"task_id": "count_common", "solution": cc["fast"]},
        {"task_id": "count_common", "solution": cc["medium"]},
        {"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"]["medium"]},
        {"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"]["wrong"]},
    ]
    ev = evaluate(
        rows, ds, backend="software", workers=1, max_profile=1, min_correct=2, progress=False
    )
    assert ev.path is None  # samples given as a list: no file unless output= is set
    s = {(r["task_id"], r["sample"]): r for r in ev.samples}
    first, second = s["count_common", 0], s["count_common", 1]
    assert first["status"] == "ok" and first["dps"] is not None and first["cost"] > 0
    assert second["status"] == "not_profiled" and second["dps"] is None and second["passed"]
    assert "max_profile=1" in second["error"]
    # only one correct sample < min_correct=2: the task is not scored
    assert s["sum_squares", 2]["status"] == "not_profiled" and s["sum_squares", 2]["cost"] is None
    assert "min_correct=2" in s["sum_squares", 2]["error"]
    assert s["sum_squares", 3]["passed"] is False
    tasks = {t["task_id"]: t for t in ev.tasks}
    assert tasks["sum_squares"]["dps"] is None and tasks["sum_squares"]["pass@1"] == 50.0
    assert tasks["count_common"]["n_profiled"] == 1
    assert ev.summary["n_scored_tasks"] == 1


# ---------------------------------------------------------------- software backend, executors


def test_evaluate_software_backend_with_executor(tmp_path: Path, cache_dir: Path) -> None:
    """The noisy task-clock path once, through a caller-provided executor."""
    from perfcount.pipeline.evaluation import evaluate

    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    rows = [
        {"task_id": "count_common", "solution": CANDIDATES["count_common"]["fast"]},
        {"task_id": "count_common", "solution": CANDIDATES["count_common"]["wrong"]},
        {"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"]["medium"]},
    ]
    out = tmp_path / "sw.results.jsonl"
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        ev = evaluate(rows, ds, backend="software", executor=pool, output=out, progress=False)
    assert ev.header["backend"] == "software" and ev.header["metric"] == "task-clock"
    assert {t["task_id"] for t in ev.tasks} == {"count_common", "sum_squares"}
    for s in ev.samples:
        assert s["metric"] == "task-clock" and s["backend"] == "software"
        if s["passed"]:
            assert s["status"] == "ok" and s["cost"] > 0
            assert 0 <= s["dps"] <= 100 and s["cluster"] in (-1, 0, 1, 2)
    assert [s["passed"] for s in ev.samples if s["task_id"] == "count_common"] == [True, False]
    # perfcount's own process pool (workers > 1) gives the same correctness picture
    own = evaluate(
        rows, ds, backend="software", workers=2, output=tmp_path / "own.jsonl", progress=False
    )
    assert [(s["task_id"], s["passed"]) for s in own.samples] == [
        (s["task_id"], s["passed"]) for s in ev.samples
    ]
    # a different backend may not resume that file
    with pytest.raises(DatasetError, match="different run"):
        evaluate(rows, ds, backend="valgrind", output=out, progress=False, workers=1)


# ---------------------------------------------------------------- bad input, kept results


def test_malformed_samples_name_file_and_line(tmp_path: Path, cache_dir: Path) -> None:
    from perfcount.pipeline.evaluation import evaluate, load_samples

    ds_path = write_mini_dataset(tmp_path / "mini.jsonl")
    good = json.dumps({"task_id": "count_common", "solution": "def count_common(a, b): pass"})
    bad = tmp_path / "bad.jsonl"

    bad.write_text(good + "\n" + "\n" + '{"task_id": "count_common", "solution": \n')
    with pytest.raises(DatasetError, match=r"bad\.jsonl:3: not valid JSON"):
        evaluate(bad, ds_path, progress=False)

    bad.write_text(good + "\n" + json.dumps({"task_id": "count_common"}) + "\n")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:2: solution: missing required field"):
        evaluate(bad, ds_path, progress=False)

    bad.write_text(json.dumps({"task_id": "count_comon", "solution": "x = 1"}) + "\n")
    with pytest.raises(
        DatasetError,
        match=r"bad\.jsonl:1: task_id: unknown task id "
        r"'count_comon'; did you mean 'count_common'",
    ):
        evaluate(bad, ds_path, progress=False)

    bad.write_text(json.dumps({"task_id": "count_common", "solution": 3}) + "\n")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:1: solution: must be a string"):
        load_samples(bad)

    with pytest.raises(DatasetError, match=r"samples\[1\]\.task_id: missing required field"):
        load_samples([{"task_id": "a", "solution": "x"}, {"solution": "y"}])

    # an existing results file of the same name is left untouched by a failing run
    results = tmp_path / "bad.results.jsonl"
    results.write_text("precious\n")
    with pytest.raises(DatasetError):
        evaluate(bad, ds_path, progress=False)
    assert results.read_text() == "precious\n"

    with pytest.raises(InvalidArgument, match="unknown task id 'nope'"):
        evaluate([json.loads(good)], ds_path, tasks=["nope"], progress=False)


def test_task_without_references_is_refused(tmp_path: Path, cache_dir: Path) -> None:
    from perfcount.pipeline.evaluation import evaluate

    path = tmp_path / "noref.jsonl"
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "noref", "version": "1"}
    task = {"task_id": "t", "entry_point": "f", "reference": [], "scores": [], "pe_input": [[1]]}
    path.write_text(json.dumps(header) + "\n" + json.dumps(task) + "\n")
    try:
        from perfcount.dpe.datasets import load_dataset

        load_dataset(path)
    except DatasetError:
        pytest.skip("the dataset loader itself refuses tasks without references")
    with pytest.raises(DatasetError, match="no reference solutions"):
        evaluate([{"task_id": "t", "solution": "def f(x): return x"}], path, progress=False)


# ---------------------------------------------------------------- the results file itself


def _header() -> dict[str, Any]:
    return {
        "dataset": {"name": "d", "version": "1"},
        "backend": "valgrind",
        "metric": "instructions",
        "config": {"min_correct": 1},
        "samples_sha256": "abc",
    }


def test_results_writer_torn_tail_is_reported_and_truncated(tmp_path: Path) -> None:
    from perfcount.dpe.results import ResultsWriter, read_results

    path = tmp_path / "r.jsonl"
    with ResultsWriter(path, _header()) as w:
        assert w.write_task([{"kind": "sample", "task_id": "a"}, {"kind": "task", "task_id": "a"}])
        # a retried task is written once
        assert not w.write_task([{"kind": "task", "task_id": "a"}])
    good = path.read_bytes()
    with open(path, "ab") as fh:  # a group that never got its task line, then a torn line
        fh.write(b'{"kind": "sample", "task_id": "b"}\n{"kind": "task", "ta')
    data = read_results(path)
    assert data.done == {"a"} and len(data.samples) == 1
    assert "trailing bytes" in data.notes[0] and "torn" in data.notes[0]
    with ResultsWriter(path, _header()) as w:
        assert any("truncated" in n for n in w.notes)
        assert w.done == {"a"}
        assert path.read_bytes() == good
        w.write_task([{"kind": "task", "task_id": "b"}])
    assert read_results(path).done == {"a", "b"}


def test_results_writer_refuses_other_runs_and_mid_file_corruption(tmp_path: Path) -> None:
    from perfcount.dpe.results import ResultsWriter, read_results

    path = tmp_path / "r.jsonl"
    with ResultsWriter(path, _header()) as w:
        w.write_task([{"kind": "task", "task_id": "a"}])
        w.write_task([{"kind": "task", "task_id": "b"}])
    other = {**_header(), "dataset": {"name": "d", "version": "2"}}
    with pytest.raises(DatasetError, match=r"different run.*dataset"):
        ResultsWriter(path, other)
    with pytest.raises(DatasetError, match="already exists"):
        ResultsWriter(path, _header(), resume=False)
    with ResultsWriter(path, _header(), resume=False, overwrite=True) as w:
        assert w.done == set()
    assert len(path.read_text().splitlines()) == 1

    lines = [
        json.dumps({"kind": "header", "format": "perfcount-results", "format_version": 1}),
        "garbage",
        json.dumps({"kind": "task", "task_id": "a"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=r"r\.jsonl:2: not valid JSON"):
        read_results(path)
    path.write_text("not json\n")
    with pytest.raises(DatasetError, match=r"r\.jsonl:1: first line is not a perfcount results"):
        read_results(path)


def test_results_writer_appends_each_task_with_one_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfcount.dpe import results

    path = tmp_path / "r.jsonl"
    writes: list[int] = []
    fsyncs: list[int] = []
    real_write, real_fsync = os.write, os.fsync
    w = results.ResultsWriter(path, _header())
    monkeypatch.setattr(
        results.os, "write", lambda fd, b: writes.append(len(b)) or real_write(fd, b)
    )
    monkeypatch.setattr(results.os, "fsync", lambda fd: fsyncs.append(fd) or real_fsync(fd))
    group = [{"kind": "sample", "task_id": "a", "i": i} for i in range(50)]
    w.write_task([*group, {"kind": "task", "task_id": "a"}])
    w.close()
    assert len(writes) == 1 and len(fsyncs) == 1
    assert os.path.getsize(path) - writes[0] == len(path.read_text().splitlines()[0]) + 1


def test_the_switch_interval_reaches_every_candidate_and_the_header(tmp_path: Path) -> None:
    """``switch_interval=`` (``--switch-interval``) is what candidates run with. The
    default (threads switch where they block) stays out of the header, so that files
    written before the option resume."""
    from perfcount.dpe.results import read_results
    from perfcount.pipeline.evaluation import evaluate

    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    sample = (
        "import sys\n"
        "def sum_squares(n):\n"
        "    assert sys.getswitchinterval() == 0.005, sys.getswitchinterval()\n"
        "    return (n - 1) * n * (2 * n - 1) // 6\n"
    )
    rows = [{"task_id": "sum_squares", "solution": sample}]
    kw = {"backend": "software", "workers": 1, "progress": False, "cache": False}
    default = evaluate(rows, ds, output=tmp_path / "default.jsonl", **kw)
    assert default.samples[0]["status"] == "failed", default.samples[0]
    assert "switch_interval" not in read_results(tmp_path / "default.jsonl").header["config"]
    python_s = evaluate(rows, ds, output=tmp_path / "py.jsonl", switch_interval=0.005, **kw)
    assert python_s.samples[0]["status"] == "ok", python_s.samples[0]
    assert read_results(tmp_path / "py.jsonl").header["config"]["switch_interval"] == 0.005
    with pytest.raises(InvalidArgument, match="switch_interval must be"):
        evaluate(rows, ds, switch_interval=-1.0, **kw)
