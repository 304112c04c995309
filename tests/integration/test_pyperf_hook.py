"""The pyperf hook through real `python -m pyperf` runs (few values, few loops)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pyperf = pytest.importorskip("pyperf", reason="the hook is for pyperf (in the [test] extra)")


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **env},
    )


def _runs(path: Path) -> list[Any]:
    bench = pyperf.Benchmark.load(str(path))
    return [r for r in bench.get_runs() if r.values]  # skip calibration-only runs


def test_entry_point_is_registered() -> None:
    from pyperf._hooks import get_hook_names

    assert "perfcount" in set(get_hook_names())


def test_timeit_records_counts_per_run(tmp_path: Path) -> None:
    out = tmp_path / "timeit.json"
    done = _run(
        [
            "-m",
            "pyperf",
            "timeit",
            "--hook",
            "perfcount",
            "--inherit-environ",
            "PERFCOUNT_EVENTS",
            "-p",
            "2",
            "-n",
            "3",
            "-w",
            "1",
            "-l",
            "8",
            "-s",
            "xs = list(range(3000, 0, -1))",
            "sorted(xs)",
            "-o",
            str(out),
            "--quiet",
        ],
        PERFCOUNT_EVENTS="task-clock,page-faults",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    runs = _runs(out)
    assert len(runs) == 2
    for run in runs:
        md = run.get_metadata()
        assert md["hooks"] == "perfcount"
        assert md["perfcount_backend"] == "software"
        assert md["perfcount_calls"] == 3  # one per value; the warm-up's hook was torn down first
        assert md["perfcount_task_clock"] > 0 and md["perfcount_page_faults"] >= 0
        assert md["loops"] == 8
        assert md["perfcount_task_clock_per_loop"] == pytest.approx(md["perfcount_task_clock"] / 8)
        assert "perfcount_context_switches" not in md  # only the events asked for


def test_runner_script_and_default_events(tmp_path: Path) -> None:
    script = tmp_path / "bench.py"
    script.write_text(
        textwrap.dedent(
            """
            import pyperf

            def work(n):
                return sum(i * i for i in range(n))

            runner = pyperf.Runner()
            runner.bench_func("squares", work, 20_000)
            """
        )
    )
    out = tmp_path / "bench.json"
    args = ["--hook", "perfcount", "-p", "1", "-n", "2", "-w", "0", "-l", "2", "--quiet"]
    done = _run([str(script), *args, "-o", str(out)])
    assert done.returncode == 0, done.stdout + done.stderr
    (run,) = _runs(out)
    md = run.get_metadata()
    assert md["perfcount_calls"] == 2
    # auto backend here: hardware counters with a PMU, else the software defaults
    if md["perfcount_backend"] == "perf":
        assert md["perfcount_instructions"] > 20_000
    else:
        assert md["perfcount_backend"] == "software"
        assert md["perfcount_task_clock"] > 0 and "perfcount_context_switches" in md
    shown = _run(["-m", "pyperf", "show", "--metadata", str(out)])
    assert "perfcount_backend" in shown.stdout


def test_unusable_configuration_stops_the_worker_with_a_clear_error(tmp_path: Path) -> None:
    done = _run(
        [
            "-m",
            "pyperf",
            "timeit",
            "--hook",
            "perfcount",
            "--inherit-environ",
            "PERFCOUNT_BACKEND",
            "-p",
            "1",
            "-n",
            "1",
            "-w",
            "0",
            "-l",
            "1",
            "pass",
        ],
        PERFCOUNT_BACKEND="valgrind",
    )
    assert done.returncode != 0
    text = done.stdout + done.stderr
    assert "ERROR setting up hook 'perfcount'" in text
    assert "needs this Python to run under callgrind" in text
