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
needs_qemu = pytest.mark.needs_qemu
needs_valgrind = pytest.mark.skipif(shutil.which("valgrind") is None, reason="no valgrind")


#: a "qemu-x86_64" that has -plugin in its help but fails every run (a plugin it cannot load)
FAKE_QEMU = """#!/bin/sh
case "$1" in
  -version) echo "qemu-x86_64 version 7.2.0 (fake)" ;;
  -h) echo "-plugin              [file=]<file>[,<argname>=<argvalue>]" ;;
  *) echo "fake qemu: cannot load the plugin" >&2; exit 1 ;;
esac
"""


#: a "qemu-x86_64" that is the real one but says it is version 10.0.2
NEWER_QEMU = """#!/bin/sh
if [ "$1" = -version ]; then echo "qemu-x86_64 version 10.0.2 (relabelled)"; exit 0; fi
exec {real} "$@"
"""

#: a statically linked "qemu-x86_64" without -plugin, as Debian 13's qemu-user is
STATIC_QEMU = r"""#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-version") == 0) puts("qemu-x86_64 version 10.0.2");
    else if (argc > 1 && strcmp(argv[1], "-h") == 0) puts("-cpu model            select CPU");
    else return 1;
    return 0;
}
"""


def _in_fresh_python(tmp_path: Path, tools: list[str], code: str, qemu: str | Path | None) -> list:
    """``code``'s JSON output, run in an interpreter whose PATH finds only ``tools`` (and
    ``qemu`` as qemu-x86_64: a program's Path, or the text of a script)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    if isinstance(qemu, Path):
        (bin_dir / "qemu-x86_64").symlink_to(qemu)
    elif qemu is not None:
        (bin_dir / "qemu-x86_64").write_text(qemu)
        (bin_dir / "qemu-x86_64").chmod(0o755)
    env = {"PATH": str(bin_dir), "PYTHONPATH": str(ROOT), "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _auto_with(
    tmp_path: Path, tools: list[str], *, fake_qemu: bool = False, in_process: bool = False
) -> tuple[str, str]:
    """(name, reason) of ``select("auto")`` in a fresh interpreter that finds only ``tools``."""
    code = (
        "import json; from perfcount.counters.backends import select; "
        f"b, why = select('auto', in_process={in_process}); print(json.dumps([b.name, why]))"
    )
    name, why = _in_fresh_python(tmp_path, tools, code, FAKE_QEMU if fake_qemu else None)
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
@needs_qemu
@needs_valgrind
def test_auto_does_not_pick_a_qemu_version_whose_counts_were_not_verified(
    tmp_path: Path,
) -> None:
    """A qemu that loads the plugin and counts, but is not 7.2: auto takes callgrind."""
    real = shutil.which("qemu-x86_64")
    script = NEWER_QEMU.format(real=real)
    code = (
        "import json; from perfcount.counters.backends import select; "
        "from perfcount.counters.backends.qemu import QemuBackend; "
        "b, why = select('auto'); q = QemuBackend(); q.check_available(); "
        "print(json.dumps([b.name, why, q.tool()]))"
    )
    name, why, tool = _in_fresh_python(tmp_path, ["valgrind", "setarch"], code, script)
    assert name == "valgrind", why
    assert "qemu: qemu 10.0.2 is not a version auto picks" in why
    assert "callgrind works here" in why
    # an explicit backend='qemu' still runs it, and its costs are keyed by that version
    assert tool == "qemu 10.0.2 (relabelled) -cpu Nehalem-v1"


def test_a_static_qemu_is_named_as_such(tmp_path: Path, build_c) -> None:
    """Debian 13's qemu-user is static-pie and has no -plugin: the error says so and how
    to get one that has."""
    try:
        program = build_c("static_qemu", STATIC_QEMU, "-static")
    except subprocess.CalledProcessError:
        pytest.skip("no static C library to link a static program with")
    code = (
        "import json; from perfcount.counters import qemu\n"
        "try:\n    qemu.require_qemu()\n"
        "except Exception as exc:\n    print(json.dumps([str(exc), exc.hint]))"
    )
    message, hint = _in_fresh_python(tmp_path, [], code, Path(program))
    assert "qemu 10.0.2) was built without TCG plugin support" in message, message
    assert "(it is statically linked)" in message
    assert "--enable-plugins" in hint and "backend='cachegrind'" in hint


def test_a_dynamic_qemu_without_plugins_is_not_called_static(tmp_path: Path) -> None:
    script = FAKE_QEMU.replace("-plugin", "-cpu")  # a shell script: not a static ELF
    code = (
        "import json; from perfcount.counters import qemu\n"
        "try:\n    qemu.require_qemu()\n"
        "except Exception as exc:\n    print(json.dumps([str(exc), exc.hint]))"
    )
    message, _ = _in_fresh_python(tmp_path, [], code, script)
    assert "built without TCG plugin support" in message
    assert "statically" not in message


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
