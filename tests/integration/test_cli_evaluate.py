"""``python -m perfcount evaluate|score|compare`` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_evaluate import CANDIDATES, write_mini_dataset, write_samples

ROOT = Path(__file__).resolve().parents[2]

# small on purpose: three valgrind runs of it below
SAMPLES = [
    {"task_id": "count_common", "solution": CANDIDATES["count_common"]["fast"], "model": "x"},
    {"task_id": "count_common", "solution": CANDIDATES["count_common"]["wrong"], "model": "x"},
    {"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"]["medium"], "model": "x"},
]


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PERFCOUNT_CACHE_DIR"] = str(cache)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _perfcount(*args: str, cache: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfcount", *args],
        capture_output=True,
        text=True,
        env=_env(cache),
        cwd=ROOT,
        timeout=timeout,
    )


def _task_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if obj.get("kind") == "task":
            out.append(obj)
    return out


def _numbers(path: Path) -> list[tuple[Any, ...]]:
    from perfcount.pipeline.evaluation import Evaluation

    ev = Evaluation.load(path)
    rows = sorted(
        (
            s["task_id"],
            s["sample"],
            s["passed"],
            s["status"],
            s["cost"],
            s["dps"],
            s["cluster"],
            tuple(s["reference_costs"]),
        )
        for s in ev.samples
    )
    return rows


@pytest.mark.needs_valgrind
def test_kill_9_then_resume_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    samples = write_samples(tmp_path / "samples.jsonl", SAMPLES)
    out = tmp_path / "killed.results.jsonl"
    args = [
        "evaluate",
        str(samples),
        "--dataset",
        str(ds),
        "--backend",
        "valgrind",
        "--workers",
        "1",
        "--no-progress",
        "-o",
        str(out),
    ]

    proc = subprocess.Popen(
        [sys.executable, "-m", "perfcount", *args],
        env=_env(tmp_path / "cache-killed"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not _task_lines(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)  # the evaluator and its fork servers, no cleanup
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    assert len(_task_lines(out)) == 1
    # as if the crash had happened mid-write: a torn trailing line
    with open(out, "a") as fh:
        fh.write('{"kind": "sample", "task_id": "sum_squares", "pa')

    resumed = _perfcount(*args, cache=tmp_path / "cache-killed")
    assert resumed.returncode == 0, resumed.stderr
    assert "trailing bytes" in resumed.stderr and "truncated" in resumed.stderr

    full_out = tmp_path / "full.results.jsonl"
    full = _perfcount(
        *[a if a != str(out) else str(full_out) for a in args], cache=tmp_path / "cache-full"
    )
    assert full.returncode == 0, full.stderr

    assert len(_task_lines(out)) == 2
    got, want = _numbers(out), _numbers(full_out)
    assert len(got) == len(want) == len(SAMPLES)
    for g, w in zip(got, want):
        # identity, correctness, DPS and cluster exactly; instruction counts repeat to ~0.1 %
        assert g[:4] == w[:4] and g[5:7] == w[5:7], (g, w)
        assert g[4] == pytest.approx(w[4], rel=1e-2)
        assert g[7] == pytest.approx(w[7], rel=1e-2)


def test_cli_malformed_samples_keep_earlier_results(tmp_path: Path) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        json.dumps({"task_id": "count_common", "solution": "def count_common(a, b): return 0"})
        + "\n{not json}\n"
    )
    results = tmp_path / "samples.results.jsonl"
    results.write_text("earlier results\n")
    r = _perfcount(
        "evaluate", str(samples), "--dataset", str(ds), "--no-progress", cache=tmp_path / "c"
    )
    assert r.returncode == 2
    assert f"{samples}:2: not valid JSON" in r.stderr and "Traceback" not in r.stderr
    assert results.read_text() == "earlier results\n"

    samples.write_text(json.dumps({"task_id": "sum_square", "solution": "x"}) + "\n")
    r = _perfcount(
        "evaluate", str(samples), "--dataset", str(ds), "--no-progress", cache=tmp_path / "c"
    )
    assert r.returncode == 2 and f"{samples}:1: task_id: unknown task id 'sum_square'" in r.stderr
    assert "did you mean 'sum_squares'" in r.stderr

    samples.write_text(json.dumps({"solution": "x"}) + "\n")
    r = _perfcount(
        "evaluate", str(samples), "--dataset", str(ds), "--no-progress", cache=tmp_path / "c"
    )
    assert r.returncode == 2 and f"{samples}:1: task_id: missing required field" in r.stderr
    assert results.read_text() == "earlier results\n"


def test_cli_evaluate_software_then_compare(tmp_path: Path) -> None:
    """Software backend path through the CLI, then compare (and its refusal)."""
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    cc = CANDIDATES["count_common"]
    a = write_samples(tmp_path / "a.jsonl", [{"task_id": "count_common", "solution": cc["fast"]}])
    b = write_samples(
        tmp_path / "b.jsonl",
        [
            {"task_id": "count_common", "solution": cc["slow"]},
            {"task_id": "count_common", "solution": cc["wrong"]},
        ],
    )
    for s in (a, b):
        r = _perfcount(
            "evaluate",
            str(s),
            "--dataset",
            str(ds),
            "--backend",
            "software",
            "--workers",
            "1",
            "--no-progress",
            "--json",
            cache=tmp_path / "c",
        )
        assert r.returncode == 0, r.stderr
        summary = json.loads(r.stdout)
        assert summary["backend"] == "software" and summary["metric"] == "task-clock"
    ra, rb = tmp_path / "a.results.jsonl", tmp_path / "b.results.jsonl"
    assert (
        json.loads(
            _perfcount(
                "evaluate",
                str(b),
                "--dataset",
                str(ds),
                "--backend",
                "software",
                "--no-progress",
                "--json",
                cache=tmp_path / "c",
            ).stdout
        )["pass@1"]
        == 50.0
    )

    r = _perfcount("compare", str(ra), str(rb), "--json", cache=tmp_path / "c")
    assert r.returncode == 0, r.stderr
    cmp = json.loads(r.stdout)
    assert cmp["n_common"] == 1 and cmp["wins"] + cmp["ties"] + cmp["losses"] == 1
    r = _perfcount("compare", str(ra), str(rb), cache=tmp_path / "c")
    assert r.returncode == 0 and "A wins" in r.stdout

    # a file measured with another backend is refused
    lines = rb.read_text().splitlines()
    header = json.loads(lines[0])
    header["backend"], header["metric"] = "valgrind", "instructions"
    other = tmp_path / "other.results.jsonl"
    other.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    r = _perfcount("compare", str(ra), str(other), cache=tmp_path / "c")
    assert r.returncode == 2 and "different backend" in r.stderr

    # --no-resume on an existing file is refused rather than silently overwritten
    r = _perfcount(
        "evaluate",
        str(a),
        "--dataset",
        str(ds),
        "--backend",
        "software",
        "--no-resume",
        "--no-progress",
        cache=tmp_path / "c",
    )
    assert r.returncode == 2 and "already exists" in r.stderr


@pytest.mark.needs_valgrind
def test_cli_score(tmp_path: Path) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    sol = tmp_path / "sol.py"
    sol.write_text(CANDIDATES["count_common"]["fast"])
    r = _perfcount(
        "score",
        "--task",
        "count_common",
        "--dataset",
        str(ds),
        "--backend",
        "valgrind",
        "--json",
        str(sol),
        cache=tmp_path / "c",
    )
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert (res["passed"], res["cluster"], res["dps"]) == (True, 2, 100.0)
    r = _perfcount(
        "score",
        "--task",
        "count_common",
        "--dataset",
        str(ds),
        "--backend",
        "software",
        str(sol),
        cache=tmp_path / "c",
    )
    assert r.returncode == 0, r.stderr
    assert "dps_norm" in r.stdout and "task-clock" in r.stdout and "software" in r.stdout

    sol.write_text(CANDIDATES["count_common"]["wrong"])
    r = _perfcount(
        "score",
        "--task",
        "count_common",
        "--dataset",
        str(ds),
        "--backend",
        "software",
        str(sol),
        cache=tmp_path / "c",
    )
    assert r.returncode == 1 and "failed" in r.stdout
    r = _perfcount("score", "--task", "nope", "--dataset", str(ds), str(sol), cache=tmp_path / "c")
    assert r.returncode == 2 and "unknown task id 'nope'" in r.stderr
