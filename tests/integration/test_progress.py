"""Progress of real runs: per-sample events, the live view, the plain lines.

Runs evaluate the two-task "mini" dataset (tests/integration/test_evaluate.py)
with the software backend (statuses and the event order do not depend on the
noisy costs): a callback records every event, the live view is rendered to a
recording console in the middle of the run, and the CLI's plain lines are
read from a pipe.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from test_evaluate import CANDIDATES, sample_rows, write_mini_dataset, write_samples

from perfcount.pipeline.evaluation import evaluate
from perfcount.pipeline.progress import ProgressEvent, ProgressPlan
from perfcount.report.progress_view import LiveView, PlainLines

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(d))  # inherited by pool workers
    return d


def _check_task_events(events: list[ProgressEvent], n_samples: int) -> list[ProgressEvent]:
    """One task's events are well formed: start, sample steps that nest, the end; returns them."""
    assert events[0].kind == "task_start" and events[-1].kind == "task"
    assert events[0].n_samples == n_samples
    open_step: ProgressEvent | None = None
    for e in events[1:-1]:
        assert e.n_samples == n_samples
        if e.kind == "sample_start":
            assert open_step is None, f"{e} starts inside {open_step}"
            assert 1 <= (e.sample or 0) <= n_samples
            open_step = e
        elif e.kind == "step":
            assert open_step is not None and e.sample == open_step.sample
        elif e.kind == "sample_end":
            assert open_step is not None
            assert (e.sample, e.sample_id, e.step) == (
                open_step.sample,
                open_step.sample_id,
                open_step.step,
            )
            assert e.item_elapsed_s is not None and e.item_elapsed_s >= 0
            assert e.status
            open_step = None
        else:
            raise AssertionError(f"unexpected event inside a task: {e}")
    assert open_step is None
    return events


def _steps(events: list[ProgressEvent]) -> list[tuple[int | None, str | None, str]]:
    return [(e.sample, e.step, e.status) for e in events if e.kind == "sample_end"]


def test_events_per_sample_in_order(tmp_path: Path, cache_dir: Path) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    rows = sample_rows()  # count_common: slow, medium, fast, fast2 (= fast), wrong; sum_squares: 3
    events: list[ProgressEvent] = []
    ev = evaluate(rows, ds, backend="software", workers=1, progress=events.append)

    assert all(e.phase == "evaluate" and e.total == 2 and e.samples_total == 8 for e in events)
    assert all(e.elapsed_s >= 0 for e in events)
    assert [e.elapsed_s for e in events] == sorted(e.elapsed_s for e in events)
    assert [e.samples_done for e in events] == sorted(e.samples_done for e in events)
    assert [e.done for e in events if e.kind == "task"] == [1, 2]
    assert events[-1].samples_done == 8
    cc = _check_task_events([e for e in events if e.item == "count_common"], 5)
    ss = _check_task_events([e for e in events if e.item == "sum_squares"], 3)
    assert events.index(cc[-1]) < events.index(ss[0])  # one task after the other (workers=1)

    # correctness of every distinct solution first (fast2 is a copy of fast: no events
    # of its own), then the correct ones are profiled; statuses are the samples'
    checking, profiling = "checking correctness", "profiling"
    assert _steps(cc) == [
        (1, checking, "ok"),
        (2, checking, "ok"),
        (3, checking, "ok"),
        (5, checking, "failed"),
        (1, profiling, "ok"),
        (2, profiling, "ok"),
        (3, profiling, "ok"),
    ]
    assert _steps(ss) == [
        (1, checking, "ok"),
        (2, checking, "ok"),
        (3, checking, "failed"),
        (1, profiling, "ok"),
        (2, profiling, "ok"),
    ]
    by_sample = {(s["task_id"], s["sample"]): s for s in ev.samples}
    for e in events:
        if e.kind == "sample_end" and e.step == profiling:
            assert by_sample[e.item, e.sample_id]["status"] == e.status
    # the task events carry the counts and the task's own time
    last = cc[-1]
    assert last.status.startswith("5 samples, 4 passed, DPS ")
    assert last.item_elapsed_s == last.line["elapsed_s"] and last.item_elapsed_s >= 0
    assert ss[-1].status.startswith("3 samples, 2 passed")

    # a cold cache: the references are profiled, inside the sample step that needs them
    # (sum_squares has no tests: its first check waits for the fastest reference's outputs)
    waits = [(e.item, e.sample, e.detail) for e in events if e.step == "profiling references"]
    assert ("count_common", 1, "reference 3 of 3") in waits
    assert ("sum_squares", 1, "reference 3 of 3") in waits
    first_wait = next(e for e in ss if e.step == "profiling references")
    assert ss[ss.index(first_wait) - 1].step == checking
    assert ss[ss.index(first_wait) + 1].step == checking  # back to the sample's own step

    # a warm cache: nothing to wait for
    again: list[ProgressEvent] = []
    evaluate(rows, ds, backend="software", workers=1, progress=again.append)
    assert [e for e in again if e.kind == "step"] == []
    assert _steps([e for e in again if e.item == "count_common"]) == _steps(cc)


def _render(view: LiveView) -> str:
    console = Console(record=True, force_terminal=True, width=160, file=io.StringIO())
    console.print(view)
    return console.export_text()


def test_live_view_mid_run_shows_the_task_and_sample_in_progress(
    tmp_path: Path, cache_dir: Path
) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    finished: list[str] = []
    view = LiveView(ProgressPlan("evaluate", 2, samples=8), print_finished=finished.append)
    shots: dict[str, str] = {}

    def sink(event: ProgressEvent) -> None:
        view(event)
        if event.item == "count_common" and event.step == "profiling references":
            shots.setdefault("references", _render(view))
        if event.kind == "sample_start" and event.step == "profiling" and event.sample == 2:
            shots.setdefault("profiling", _render(view))
        if event.item == "sum_squares" and event.kind == "sample_start":
            shots.setdefault("next task", _render(view))

    evaluate(sample_rows(), ds, backend="software", workers=1, progress=sink)

    refs = shots["references"]
    assert re.search(
        r"count_common\s+sample 1/5\s+profiling references \(reference \d of 3\)", refs
    )
    assert "0/2 tasks" in refs and "1/8 samples" in refs  # the wrong sample is done
    assert re.search(r"count_common\s+sample 2/5\s+profiling\s+0:00", shots["profiling"])
    # after the first task: the label is the task in progress, not the one just finished
    nxt = shots["next task"]
    assert re.search(r"sum_squares\s+sample 1/3\s+checking correctness", nxt)
    assert "count_common" not in nxt and "1/2 tasks" in nxt and "5/8 samples" in nxt
    assert finished[0].startswith("[1/2] count_common: 5 samples, 4 passed, DPS ")
    assert re.fullmatch(
        r"\[2/2\] sum_squares: 3 samples, 2 passed, DPS [\d.]+, [\d.]+ s", finished[1]
    )
    done = _render(view)
    assert "2/2 tasks" in done and "8/8 samples" in done and "sample " not in done


def test_plain_lines_note_reference_profiling_once_per_task(
    tmp_path: Path, cache_dir: Path
) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    lines: list[str] = []
    evaluate(
        sample_rows(),
        ds,
        backend="software",
        workers=1,
        progress=PlainLines(lines.append, note_after_s=0),
    )
    assert len(lines) == 4, lines
    assert lines[0].startswith("      count_common: profiling its references on this machine")
    assert lines[1].startswith("[1/2] count_common: 5 samples, 4 passed")
    assert lines[2].startswith("      sum_squares: profiling its references")
    assert lines[3].startswith("[2/2] sum_squares: 3 samples, 2 passed")
    warm: list[str] = []
    evaluate(sample_rows(), ds, backend="software", workers=1, progress=PlainLines(warm.append))
    assert [line[:20] for line in warm] == ["[1/2] count_common: ", "[2/2] sum_squares: 3"]


def test_cli_prints_one_plain_line_per_task_when_not_a_terminal(tmp_path: Path) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    samples = write_samples(tmp_path / "samples.jsonl", sample_rows())
    env = dict(os.environ, PERFCOUNT_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    args = ["evaluate", str(samples), "--dataset", str(ds), "--backend", "software"]
    r = subprocess.run(
        [sys.executable, "-m", "perfcount", *args, "--workers", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
    )
    assert r.returncode == 0, r.stderr
    err = r.stderr.splitlines()
    task_lines = [line for line in err if line.startswith("[")]
    assert len(task_lines) == 2, r.stderr
    assert re.fullmatch(
        r"\[1/2\] count_common: 5 samples, 4 passed, DPS [\d.]+, [\d.]+ s", task_lines[0]
    )
    assert re.fullmatch(
        r"\[2/2\] sum_squares: 3 samples, 2 passed, DPS [\d.]+, [\d.]+ s", task_lines[1]
    )
    # plain lines only: no cursor movement, no carriage returns, no colours
    assert "\r" not in r.stderr and "\x1b" not in r.stderr
    assert "Per task" in r.stdout  # the tables still follow


def test_pool_workers_send_per_sample_events(tmp_path: Path, cache_dir: Path) -> None:
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    rows = [
        {"task_id": "count_common", "solution": CANDIDATES["count_common"]["fast"]},
        {"task_id": "count_common", "solution": CANDIDATES["count_common"]["wrong"]},
        {"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"]["medium"]},
    ]
    events: list[ProgressEvent] = []
    evaluate(rows, ds, backend="software", workers=2, progress=events.append)
    tasks = [e for e in events if e.kind == "task"]
    assert sorted(e.item for e in tasks) == ["count_common", "sum_squares"]
    assert [e.done for e in tasks] == [1, 2] and tasks[-1].samples_done == 3
    for tid in ("count_common", "sum_squares"):
        mine = [e for e in events if e.item == tid]
        # messages from the worker process, before the task's end (late ones are dropped)
        assert mine[0].kind == "task_start" and mine[-1].kind == "task"
        assert any(e.kind == "sample_start" and e.step == "checking correctness" for e in mine)


def test_curation_reports_the_task_in_progress() -> None:
    from test_curate import _rows

    from perfcount.pipeline.curation import curate

    events: list[ProgressEvent] = []
    rep = curate(
        _rows()[:1],
        backend="software",
        progress=events.append,
        min_cost=0,
        max_cv=10.0,
        min_clusters=1,
    )
    tid = rep.outcomes[0].task_id
    assert [(e.kind, e.item) for e in events] == [("task_start", tid), ("task", tid)]
    assert events[0].done == 0 and events[1].done == 1 and events[1].samples_total is None
    assert events[1].status == "kept" and (events[1].item_elapsed_s or -1) >= 0


@pytest.mark.filterwarnings("ignore:Creating scratch directories is taking:UserWarning")
@pytest.mark.filterwarnings("ignore:unclosed:ResourceWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning:distributed")
@pytest.mark.filterwarnings("ignore::DeprecationWarning:tornado")
def test_dask_workers_send_per_sample_events(tmp_path: Path, cache_dir: Path) -> None:
    distributed = pytest.importorskip("distributed")
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    rows: list[dict[str, Any]] = [
        {"task_id": "count_common", "solution": CANDIDATES["count_common"]["fast"]},
        {"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"]["wrong"]},
    ]
    events: list[ProgressEvent] = []
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        evaluate(rows, ds, backend="software", executor=client, progress=events.append)
    tasks = [e for e in events if e.kind == "task"]
    assert sorted(e.item for e in tasks) == ["count_common", "sum_squares"]
    for tid, status in (("count_common", "ok"), ("sum_squares", "failed")):
        ends = [e for e in events if e.item == tid and e.kind == "sample_end"]
        assert ends and ends[0].step == "checking correctness" and ends[0].status == status
