"""kill -9 the evaluator at random points; every rerun resumes to the uninterrupted result.

A small dataset (3 tasks, two references 10x apart each) and 4 samples per
task (slower than every reference, between the two, faster than both, wrong)
are evaluated by ``python -m perfcount evaluate`` with the software backend
(valgrind would make the counts exact, but 20 kill points would not fit in a
test's time budget).
The candidates sit a factor of ~3 away from every reference, so although
task-clock is noisy, status, DPS, DPS_norm and cluster of every sample are
the same in every run. One uninterrupted run is the baseline; then 5 chains
of 4 evaluators each (20 kills, seeded random delays) are SIGKILLed at a
random moment, each resuming what the previous one left, and finished. After the
kill the file must read back (complete task groups, at most a torn tail,
never a torn line inside); after the resume every sample must equal the
baseline, the task groups written before the kill must be kept byte for byte
(not measured again), and no fork server of the killed evaluator may survive.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from perfcount.dpe.results import read_results
from perfcount.errors import DatasetError

N_TASKS = 3
CHAINS = 5
KILLS_PER_CHAIN = 4  # 20 kills in all
SEED = 20261122
KEYS = ("task_id", "sample", "passed", "status", "dps", "dps_norm", "cluster")


def _loop(k: int) -> str:
    """The answer computed k times over: cost proportional to k, same output."""
    return (
        "def f(n):\n"
        f"    for _ in range({k}):\n"
        "        t = 0\n"
        "        for i in range(n * 100):\n"
        "            t += i % 7\n"
        "    return t\n"
    )


FORMULA = "def f(n):\n    q, r = divmod(n * 100, 7)\n    return q * 21 + r * (r - 1) // 2\n"


def write_dataset(path: Path) -> None:
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "crash", "version": "1"}
    rows: list[dict[str, Any]] = [header]
    for t in range(N_TASKS):
        rows.append(
            {
                "task_id": f"t{t}",
                "entry_point": "f",
                "reference": [_loop(30), _loop(3)],  # slow -> fast, 10x apart
                "scores": [40.0, 100.0],
                "pe_input": [[20 + t]],
                "description": "sum of i % 7 for i < 100 n",
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def write_samples(path: Path) -> None:
    rows = []
    for t in range(N_TASKS):
        for name, src in (
            ("slow", _loop(100)),  # 3.3x the slow reference: DPS 0
            ("mid", _loop(10)),  # 3x from both references: cluster 0
            ("fast", FORMULA),  # no loop: faster than both
            ("wrong", "def f(n):\n    return -1\n"),
        ):
            rows.append({"task_id": f"t{t}", "solution": src, "name": name})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def evaluator(tmp: Path, out: Path, cache: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PERFCOUNT_CACHE_DIR=str(cache))
    argv = [
        sys.executable,
        "-m",
        "perfcount",
        "evaluate",
        str(tmp / "samples.jsonl"),
        "--dataset",
        str(tmp / "ds.jsonl"),
        "--backend",
        "software",
        "--workers",
        "1",
        "--timeout",
        "10",
        "-o",
        str(out),
        "--no-progress",
    ]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(tmp: Path, out: Path, cache: Path) -> str:
    proc = evaluator(tmp, out, cache)
    stdout, stderr = proc.communicate(timeout=240)
    assert proc.returncode == 0, stderr.decode()[-3000:]
    return stderr.decode() + stdout.decode()


def samples_of(path: Path) -> dict[tuple[str, Any], dict[str, Any]]:
    data = read_results(path)
    return {(s["task_id"], s["sample"]): {k: s.get(k) for k in KEYS} for s in data.samples}


def task_groups(path: Path) -> dict[str, bytes]:
    """Raw bytes of each complete task group (its sample lines and task line)."""
    out: dict[str, bytes] = {}
    pending = b""
    for line in path.read_bytes().splitlines(keepends=True)[1:]:
        if not line.endswith(b"\n"):
            break
        pending += line
        obj = json.loads(line)
        if obj["kind"] == "task":
            out[obj["task_id"]] = pending
            pending = b""
    return out


def servers_of(pid: int) -> list[int]:
    """Fork servers (and zygotes) started by the evaluator process ``pid``."""
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        if b"perfcount.execute.server" in cmd and f"perfcount-runner-{pid}-".encode() in cmd:
            found.append(int(p))
    return found


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("crash")
    write_dataset(tmp / "ds.jsonl")
    write_samples(tmp / "samples.jsonl")
    base = tmp / "baseline.jsonl"
    t0 = time.monotonic()
    finish(tmp, base, tmp / "cache-baseline")
    return tmp, base, time.monotonic() - t0


def test_baseline_is_what_the_dataset_promises(setup) -> None:
    _, base, _ = setup
    got = samples_of(base)
    assert len(got) == 4 * N_TASKS
    by_name = {}
    rows = [json.loads(x) for x in base.read_text().splitlines()[1:]]
    for r in rows:
        if r["kind"] == "sample":
            by_name.setdefault(r["name"], set()).add((r["status"], r["cluster"], r["dps"]))
    assert by_name["slow"] == {("ok", -1, 0.0)}
    assert by_name["mid"] == {("ok", 0, 40.0)}
    assert by_name["fast"] == {("ok", 1, 100.0)}
    assert {s for s, _, _ in by_name["wrong"]} == {"failed"}


def test_kill_minus_9_at_random_points_then_resume(setup) -> None:
    tmp, base, full = setup
    expected = samples_of(base)
    rng = random.Random(SEED)
    kept_counts = []
    for chain in range(CHAINS):
        out = tmp / f"chain{chain}.jsonl"
        cache = tmp / f"cache{chain}"  # fresh: kills land in reference profiling too
        kept: dict[str, bytes] = {}
        for kill in range(KILLS_PER_CHAIN):
            # each evaluator resumes what the previous one left, and is killed in turn
            delay = rng.uniform(0.0, full)
            proc = evaluator(tmp, out, cache)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            where = f"chain {chain} kill {kill} after {delay:.2f}s"
            if out.exists() and out.stat().st_size:
                # the file reads back: complete task groups, at most a torn tail
                data = read_results(out)
                now = task_groups(out)
                assert set(now) == data.done, where
                for tid, raw in kept.items():
                    assert now[tid] == raw, f"{where}: task {tid} was rewritten"
                kept = now
            kept_counts.append(len(kept))
            # the killed evaluator's fork servers go away (EOF on their request pipe)
            for _ in range(200):
                if not servers_of(proc.pid):
                    break
                time.sleep(0.05)
            assert servers_of(proc.pid) == [], f"{where}: fork servers outlived the evaluator"
        finish(tmp, out, cache)
        assert samples_of(out) == expected, f"chain {chain} differs from the uninterrupted run"
        final = task_groups(out)
        for tid, raw in kept.items():
            assert final[tid] == raw, f"chain {chain}: task {tid} was rewritten on resume"
    # the kill points spread over the run: before any task finished and in between
    assert min(kept_counts) == 0 and max(kept_counts) >= 1, kept_counts


def test_corrupted_trailing_line_is_reported_and_repaired(setup) -> None:
    tmp, base, _ = setup
    out = tmp / "torn.jsonl"
    lines = base.read_bytes().splitlines(keepends=True)
    # the header and the first two task groups, then half a line of the next group
    groups = task_groups(base)
    first_two = list(groups.values())[:2]
    out.write_bytes(lines[0] + b"".join(first_two) + b'{"kind": "sample", "task_id": "t2", "sam')
    data = read_results(out)
    assert len(data.tasks) == 2 and any("torn last line" in n for n in data.notes), data.notes
    report = finish(tmp, out, tmp / "cache-torn")
    assert "trailing bytes" in report and "truncated" in report, report
    assert samples_of(out) == samples_of(base)
    text = out.read_bytes()
    assert text.endswith(b"\n") and b'"sam{' not in text
    for raw in text.splitlines():
        json.loads(raw)  # no torn line left anywhere


def test_torn_header_is_repaired(setup) -> None:
    tmp, base, _ = setup
    out = tmp / "torn-header.jsonl"
    out.write_bytes(base.read_bytes()[:25])  # killed while the header was written
    finish(tmp, out, tmp / "cache-header")
    assert samples_of(out) == samples_of(base)


def test_corruption_before_the_last_task_is_an_error_with_its_line(setup) -> None:
    tmp, base, _ = setup
    out = tmp / "bad-middle.jsonl"
    lines = base.read_bytes().splitlines(keepends=True)
    lines[2] = b'{"kind": "sample", "task_id": \n'
    out.write_bytes(b"".join(lines))
    with pytest.raises(DatasetError) as err:
        read_results(out)
    assert f"{out}:3" in str(err.value)
