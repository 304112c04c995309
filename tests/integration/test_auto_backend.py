"""``backend="auto"``: perf, else the fastest deterministic backend that works here, else software.

Which tools are installed is varied for real: a fresh interpreter gets a
``PATH`` holding only links to the tools it may find (the probe runs the
tools, so a link to a missing or broken program is skipped with its reason).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_evaluate import CANDIDATES, write_mini_dataset

from perfcount.counters.backends import DETERMINISTIC, select
from perfcount.counters.region import hardware_available
from perfcount.execute.runner import Runner

ROOT = Path(__file__).resolve().parents[2]
LOOP = "def f(n):\n    return sum(i * i for i in range(n))\n"

no_pmu = pytest.mark.skipif(
    hardware_available()[0], reason="a hardware PMU is present: auto is perf"
)
needs_qemu = pytest.mark.skipif(
    shutil.which("qemu-x86_64") is None, reason="qemu-user is not installed"
)
needs_valgrind = pytest.mark.skipif(shutil.which("valgrind") is None, reason="no valgrind")


#: a "qemu-x86_64" that has -plugin in its help but fails every run (a plugin it cannot load)
FAKE_QEMU = """#!/bin/sh
case "$1" in
  -version) echo "qemu-x86_64 version 7.2.0 (fake)" ;;
  -h) echo "-plugin              [file=]<file>[,<argname>=<argvalue>]" ;;
  *) echo "fake qemu: cannot load the plugin" >&2; exit 1 ;;
esac
"""


def _auto_with(
    tmp_path: Path, tools: list[str], *, fake_qemu: bool = False, in_process: bool = False
) -> tuple[str, str]:
    """(name, reason) of ``select("auto")`` in a fresh interpreter that finds only ``tools``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    if fake_qemu:
        (bin_dir / "qemu-x86_64").write_text(FAKE_QEMU)
        (bin_dir / "qemu-x86_64").chmod(0o755)
    code = (
        "import json; from perfcount.counters.backends import select; "
        f"b, why = select('auto', in_process={in_process}); print(json.dumps([b.name, why]))"
    )
    env = {"PATH": str(bin_dir), "PYTHONPATH": str(ROOT), "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    name, why = json.loads(done.stdout)
    return name, why


def test_order_is_fastest_first() -> None:
    assert DETERMINISTIC == ("qemu", "valgrind")
    assert "cachegrind" not in DETERMINISTIC  # by name only (SECURITY.md)


@no_pmu
@needs_qemu
def test_auto_picks_qemu_where_it_works() -> None:
    chosen, why = select("auto")
    assert chosen.name == "qemu" and chosen.metric == "instructions"
    assert "instruction counter does not open" in why and "qemu" in why


@no_pmu
@needs_valgrind
def test_without_qemu_auto_picks_valgrind_and_says_why(tmp_path: Path) -> None:
    name, why = _auto_with(tmp_path, ["valgrind", "setarch"])
    assert name == "valgrind", why
    assert "qemu: qemu-x86_64 is not installed" in why and "callgrind works here" in why


@no_pmu
def test_a_qemu_whose_counted_run_fails_is_skipped(tmp_path: Path) -> None:
    name, why = _auto_with(tmp_path, [], fake_qemu=True)
    assert name == "software", why
    assert "qemu: " in why and "could not run perfcount's plugin" in why
    assert "fake qemu: cannot load the plugin" in why  # qemu's own words
    assert "valgrind: valgrind is not installed" in why


@no_pmu
def test_nothing_deterministic_means_software_naming_each_skip(tmp_path: Path) -> None:
    name, why = _auto_with(tmp_path, [])
    assert name == "software"
    assert "qemu: qemu-x86_64 is not installed" in why
    assert "valgrind: valgrind is not installed" in why


@no_pmu
def test_in_process_auto_names_what_cannot_count_a_region() -> None:
    chosen, why = select("auto", in_process=True)
    assert chosen.name == "software"
    assert "qemu: " in why and "valgrind: " in why and "run under callgrind" in why


@no_pmu
@needs_qemu
def test_default_runner_counts_under_qemu_deterministically() -> None:
    with Runner(timeout=10) as r:
        assert r.backend == "qemu" and r.reason == select("auto")[1]
        costs = [r.profile(LOOP, "f", [[3000]]).cost for _ in range(2)]
        more = r.profile(LOOP, "f", [[6000]])
    assert costs[0] == costs[1] and costs[0] > 10_000, costs
    assert more.status == "ok" and more.backend == "qemu" and more.cost > costs[0]


def test_explicit_backends_are_not_rewritten() -> None:
    for name in ("valgrind", "qemu", "software", "cachegrind"):
        chosen, why = select(name)
        assert (chosen.name, why) == (name, f"backend {name!r} was requested")


@needs_qemu
def test_results_header_records_the_emulated_cpu(tmp_path: Path, monkeypatch) -> None:
    """A qemu evaluate's results file says which CPU the counts are of: the emulated model."""
    from perfcount.counters import qemu
    from perfcount.counters.host import cpu_model
    from perfcount.dpe.results import read_results
    from perfcount.pipeline.evaluation import evaluate

    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(tmp_path / "cache"))
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    rows = [{"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"]["medium"]}]
    out = tmp_path / "qemu.results.jsonl"
    ev = evaluate(rows, ds, backend="qemu", output=out, workers=1, progress=False)
    assert ev.samples[0]["status"] == "ok", ev.samples[0]
    header = read_results(out).header
    assert header["backend"] == "qemu"
    assert header["machine"]["counted_cpu"] == {
        "model": qemu.CPU_MODEL,
        "emulated": True,
        "how": "qemu-x86_64 -cpu",
    }
    assert qemu.CPU_MODEL == "Nehalem-v1"  # pinned: a new model changes every count
    assert header["machine"]["cpu_model"] == cpu_model()  # the host's stays recorded too
    # another backend counts the host's own CPU
    out_sw = tmp_path / "software.results.jsonl"
    evaluate(rows, ds, backend="software", output=out_sw, workers=1, progress=False)
    counted = read_results(out_sw).header["machine"]["counted_cpu"]
    assert counted == {"model": cpu_model(), "emulated": False, "how": "host"}


@needs_qemu
def test_a_qemu_candidate_over_its_time_limit_is_a_timeout() -> None:
    """Killed by the harness, a qemu process leaves no record: that is no tampering."""
    with Runner("qemu", timeout=0.5) as r:
        p = r.profile("def f():\n    while True:\n        pass\n", "f", [[]])
        ok = r.profile(LOOP, "f", [[100]])  # the server goes on counting
    assert p.status == "timeout", (p.status, p.error)
    assert "wall-clock limit" in p.error
    assert ok.status == "ok" and ok.cost > 0
