"""Regions of the user's own process under qemu: the plugin's region marker, for real.

Python runs under ``qemu-x86_64`` with perfcount's plugin in regions mode
(``counters.qemu.python_argv``); ``measure()``, ``count()``, the pytest
plugin's budgets and ``%perfcount`` read the process's running count. The
candidate path (a fork server under qemu without ``regions=on``, armed
children) must not answer the marker at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import perfcount
from perfcount.counters import qemu
from perfcount.errors import BackendError
from perfcount.execute.runner import Runner, _import_root

pytestmark = pytest.mark.needs_qemu

QUIET = (
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:benchmark",
    "-p",
    "no:xdist",
)

# A loop that allocates nothing (it walks a list of cached small ints), with the
# collector off: its cost per iteration is fixed. `for i in range(n)` is not:
# each new int is a pymalloc allocation whose cost depends on the heap's state
# (measured: 417.8 or 432.8 instructions per iteration in the same process, under
# qemu and callgrind alike), so regions around it are deterministic but not linear.
LOOP = """
import gc
from itertools import islice
gc.disable()
DATA = [i & 127 for i in range(400_000)]

def loop(n):
    t = 0
    for x in islice(DATA, n):
        t ^= x
    return t
"""


def _env(**extra: str) -> dict[str, str]:
    # nothing of the outer session either (xdist's worker variables, PYTEST_CURRENT_TEST,
    # PYTEST_VERSION: a user starts these from a shell):
    # the inner sessions' environments, and so their counts, must not depend on it
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QEMU_", "PERFCOUNT_", "PYTEST_XDIST_", "PYTEST_CURRENT_TEST"))
        and k != "PYTEST_VERSION"
    }
    # perfcount from the fork servers' copy, a folder nothing writes to: these processes
    # count regions in themselves, and their heap holds the listing of every folder they
    # import from: one file added to the checkout (other tests write files there
    # meanwhile) moved the budgets suite's counts by -505 instructions
    env["PYTHONPATH"] = _import_root()
    env.update(extra)
    return env


def _python_under_qemu(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = qemu.python_argv([str(script), *args])
    done = subprocess.run(
        argv,
        env=qemu.python_env(_env()),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=script.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


REGIONS = (
    LOOP
    + """
import json
from perfcount import count, measure

def region(n):
    with measure(backend="qemu") as m:
        loop(n)
    return m.counts["instructions"]

loop(1000)  # warm: the first calls specialise the bytecode
out = {"n": [region(n) for n in (50_000, 100_000, 200_000)]}
with measure(backend="qemu") as outer:
    with measure(backend="qemu") as inner:
        loop(50_000)
    loop(50_000)
out["outer"], out["inner"] = outer.counts["instructions"], inner.counts["instructions"]
out["overhead"] = outer.counts.overhead["instructions"]
with measure(backend="qemu") as empty:
    pass
out["empty"] = empty.counts["instructions"]
summary = count(loop, 50_000, backend="qemu", repeat=3)
out["count"] = list(summary.values("instructions"))
out["backend"] = summary.backend
print(json.dumps(out))
"""
)


def test_measure_outside_qemu_says_how_to_run_under_it() -> None:
    with pytest.raises(BackendError) as err:
        perfcount.measure(backend="qemu")
    assert "does not run under qemu-x86_64" in str(err.value)
    assert "python -m perfcount pytest" in (err.value.hint or "")
    with pytest.raises(BackendError):
        perfcount.count(len, [], backend="qemu")
    assert not qemu.running_regions()
    with pytest.raises(BackendError):
        qemu.region_count()


@pytest.mark.slow
def test_regions_are_deterministic_linear_and_nest(tmp_path: Path) -> None:
    script = tmp_path / "regions.py"
    script.write_text(REGIONS)
    runs = [json.loads(_python_under_qemu(script).stdout) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2], runs  # 3 of 3 runs: the same counts
    got = runs[0]
    a, b, c = got["n"]
    # linear in the iterations: doubling adds the same per-iteration cost
    per_iter = (b - a) / 50_000
    assert 20 < per_iter < 500
    assert (c - b) / 100_000 == pytest.approx(per_iter, rel=1e-3)
    assert a == pytest.approx(50_000 * per_iter, rel=0.01)
    # nesting: the outer region holds the inner one and a second loop
    assert got["outer"] > got["inner"] + 0.9 * got["inner"]
    assert got["inner"] == pytest.approx(a, rel=1e-3)
    # calibrated: an empty region is a fraction of one read's cost, not thousands of loops
    assert 1000 < got["overhead"] < 50_000 and got["empty"] < got["overhead"]
    assert got["backend"] == "qemu" and len(got["count"]) == 3
    assert got["count"][0] == pytest.approx(a, rel=1e-3)


@pytest.mark.slow
@pytest.mark.needs_valgrind
def test_region_counts_match_callgrind_in_process(tmp_path: Path) -> None:
    """The same loop's per-iteration cost under qemu and under callgrind agree closely."""
    script = tmp_path / "slope.py"
    script.write_text(
        LOOP
        + textwrap.dedent(
            """
            import sys
            from perfcount import measure
            loop(1000)
            got = []
            for n in (50_000, 100_000):
                with measure(backend=sys.argv[1]) as m:
                    loop(n)
                got.append(m.counts["instructions"])
            print((got[1] - got[0]) / 50_000)
            """
        )
    )
    on_qemu = float(_python_under_qemu(script, "qemu").stdout)
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={tmp_path}/cg.%p",
            "-q",
            sys.executable,
            str(script),
            "valgrind",
        ],
        env=_env(PERFCOUNT_CALLGRIND_OUT=f"{tmp_path}/cg.%p", PYTHONHASHSEED="0"),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    on_callgrind = float(done.stdout.split()[-1])
    # the same interpreter code either way; only libc's CPU-dependent routines may differ
    assert on_qemu == pytest.approx(on_callgrind, rel=0.005), (on_qemu, on_callgrind)


@pytest.mark.slow
def test_a_thread_started_in_the_region_is_counted(tmp_path: Path) -> None:
    """A second thread switches the plugin to per-vCPU counting mid-run; its work is counted."""
    script = tmp_path / "threads.py"
    script.write_text(
        LOOP
        + textwrap.dedent(
            """
            import json, threading
            from perfcount import measure
            loop(1000)
            with measure(backend="qemu") as one:
                loop(100_000)
            with measure(backend="qemu") as two:
                th = threading.Thread(target=loop, args=(100_000,))
                th.start()
                loop(100_000)
                th.join()
            with measure(backend="qemu") as after:
                loop(100_000)
            print(json.dumps([m.counts["instructions"] for m in (one, two, after)]))
            """
        )
    )
    one, two, after = json.loads(_python_under_qemu(script).stdout)
    # both loops, plus starting and joining the thread (the GIL's time-based switches
    # make a region with two running threads vary by a few thousand instructions)
    assert 2 * one < two < 2 * one * 1.05
    assert after == pytest.approx(one, rel=1e-4)  # nothing lost across the mode switch


BUDGETS = (
    LOOP
    + """
import pytest

@pytest.mark.perfcount(max_instructions=10**9)
def test_within():
    loop(100_000)

@pytest.mark.perfcount(max_instructions=1000)
def test_over():
    loop(100_000)

@pytest.mark.perfcount(max_task_clock=10**12)
def test_software_budget():
    loop(10)

def test_fixture(perfcount):
    with perfcount(label="loop", max_instructions=10**9) as m:
        loop(50_000)
    assert m.counts.backend == "qemu"
"""
)


def _pytest(folder: Path, argv: list[str], json_name: str) -> tuple[str, dict[str, dict]]:
    done = subprocess.run(
        [*argv, *QUIET, "-rs", f"--perfcount-json={folder.parent / json_name}"],
        cwd=folder,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # test_over fails
    data = json.loads((folder.parent / json_name).read_text())
    by = {m["nodeid"].split("::")[1]: m for m in data["measurements"]}
    return done.stdout, by


@pytest.mark.slow
def _launcher() -> list[str]:
    """python_argv's words up to the -plugin value (``[setarch ARCH -R] qemu ... -plugin V``)."""
    argv = qemu.python_argv([])
    return argv[: argv.index("-plugin") + 2]


def test_pytest_budgets_under_qemu_pass_fail_and_repeat(tmp_path: Path) -> None:
    folder = tmp_path / "suite"  # results go beside it: the suite's folder stays the same
    folder.mkdir()
    (folder / "test_budgets.py").write_text(BUDGETS)
    cli = [sys.executable, "-m", "perfcount", "pytest"]
    runs = [_pytest(folder, cli, f"m{i}.json") for i in range(2)]
    out, by = runs[0]
    assert "> max_instructions = 1,000 (backend qemu)" in out, out
    assert by["test_within"]["verdict"] == "ok" and by["test_over"]["verdict"] == "over"
    assert by["test_within"]["backend"] == "qemu"
    within = by["test_within"]["values"]["instructions"]
    assert 1_000_000 < within < 10**9
    # software events cannot be opened under qemu-user: said, not crashed
    assert "does not emulate perf_event_open" in out and "1 skipped" in out
    fixture = [m for m in runs[0][1].values() if m["kind"] == "fixture"]
    assert fixture and fixture[0]["backend"] == "qemu"
    # deterministic: the same counts in 2 of 2 runs, and in the third below
    values = [{k: m.get("values", {}).get("instructions") for k, m in by.items()} for _, by in runs]
    assert values[0] == values[1], values
    # pytest itself re-executes under qemu with --perfcount-backend qemu: the same counts
    plain = [sys.executable, "-m", "pytest", "--perfcount", "--perfcount-backend", "qemu"]
    # a name of the same length: argv sits on the stack, its length moves counts by a few
    _, again = _pytest(folder, plain, "m2.json")
    assert {k: m.get("values", {}).get("instructions") for k, m in again.items()} == values[0]


DUMP_START = """
import json, os
def test_dump():
    # what the process under qemu was started with: its argv and initial environment
    start = {name: open(f"/proc/self/{name}").read().split("\\0") for name in ("cmdline", "environ")}
    with open(os.environ["START_DUMP"], "w") as f:
        json.dump(start, f)
"""


@pytest.mark.slow
def test_both_ways_of_running_pytest_under_qemu_start_the_same_process(tmp_path: Path) -> None:
    """``python -m perfcount pytest`` and ``pytest --perfcount-backend qemu`` exec the same.

    Counts in a process depend on its initial stack (argv and environment sit on
    it) and its ``os.environ``: the plugin's re-exec once passed on the
    ``PYTEST_VERSION`` pytest had set, which the other way had not, and started
    from a shell the two ways gave the budgets suite's regions counts 18-41
    instructions apart (each way repeating its own). The outer session's
    variables are left out (``_env``), as in a shell.
    """
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "test_dump.py").write_text(DUMP_START)
    starts = []
    for i, argv in enumerate(
        (
            [sys.executable, "-m", "perfcount", "pytest"],
            [sys.executable, "-m", "pytest", "--perfcount", "--perfcount-backend", "qemu"],
        )
    ):
        dump = tmp_path / f"start{i}.json"
        done = subprocess.run(
            [*argv, *QUIET, "test_dump.py"],
            cwd=folder,
            env=_env(START_DUMP=str(tmp_path / "startX.json")),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        (tmp_path / "startX.json").rename(dump)
        starts.append(json.loads(dump.read_text()))
    assert starts[0]["cmdline"] == starts[1]["cmdline"]
    assert starts[0]["environ"] == starts[1]["environ"]  # the same variables, in order


def test_a_marker_asking_for_qemu_outside_it_is_skipped_with_the_way_to_run(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_q.py").write_text(
        "import pytest\n\n@pytest.mark.perfcount(max_instructions=10**9, backend='qemu')\n"
        "def test_q():\n    pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, "-rs", "--perfcount"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout and "python -m perfcount pytest" in done.stdout


@pytest.mark.slow
def test_ipython_magic_counts_in_process_under_qemu(tmp_path: Path) -> None:
    pytest.importorskip("IPython", reason="the magic needs IPython")
    script = tmp_path / "magic.py"
    script.write_text(
        textwrap.dedent(
            """
            import json
            from IPython.core.interactiveshell import InteractiveShell
            sh = InteractiveShell.instance()
            sh.run_line_magic("load_ext", "perfcount")
            sh.run_cell("data = list(range(3000, 0, -1))")
            r = sh.run_line_magic("perfcount", "-o -q -n 3 -b qemu sorted(data)")
            auto = sh.run_line_magic("perfcount", "-o -q -n 3 sorted(data)")
            print(json.dumps([r.backend, list(r.values("instructions")), auto.backend]))
            """
        )
    )
    backend, values, auto = json.loads(_python_under_qemu(script).stdout.splitlines()[-1])
    assert backend == "qemu" and len(values) == 3 and min(values) > 10_000
    assert auto == "qemu"  # under qemu, the default backend is qemu


# ---------------------------------------------------------------------------
# the candidate path: the marker does nothing there

MARKER = """
import ctypes
_sys = ctypes.CDLL(None).syscall
_sys.restype = ctypes.c_long
_sys.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_ulong]

def f(number, k):
    buf = ctypes.c_uint64(12345)
    for _ in range(k):
        _sys(number, 1, ctypes.addressof(buf))
    return buf.value
"""


@pytest.mark.slow
def test_a_candidate_cannot_use_the_region_marker() -> None:
    """In the fork server (no regions=on, armed children) the marker is an unknown syscall."""
    with Runner("qemu", timeout=120) as r:
        marker = r.profile(MARKER, "f", [[qemu.REGION_SYSCALL, 200]])
        other = r.profile(MARKER, "f", [[qemu.REGION_SYSCALL + 0xFFD, 200]])
    assert marker.status == "ok" and other.status == "ok", (marker.error, other.error)
    assert marker.outputs == [12345]  # nothing was written: it learns no count
    # its whole-life count is that of the same calls with any other unknown number
    assert marker.cost == other.cost


PROG = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static volatile unsigned long sink;
static uint64_t rd(long number) { uint64_t v = 7; syscall(number, 1L, &v); return v; }
int main(int argc, char **argv) {
    const long number = strtol(argv[1], NULL, 0);
    const uint64_t a = rd(number);
    for (long i = 0; i < 100000; i++) sink += (unsigned long)i;
    const uint64_t b = rd(number);
    printf("%llu %llu\n", (unsigned long long)a, (unsigned long long)b);
    return 0;
}
"""


def _c_prog(tmp_path: Path) -> str:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc) to build the test program")
    (tmp_path / "r.c").write_text(PROG)
    try:
        subprocess.run([cc, "-O1", "-o", str(tmp_path / "r"), str(tmp_path / "r.c")], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot compile the test program: {exc}")
    return str(tmp_path / "r")


def test_an_armed_process_gets_no_answer_and_keeps_its_count(tmp_path: Path) -> None:
    """Even with regions=on, a measured process's marker writes nothing and counts as any syscall."""
    prog = _c_prog(tmp_path)
    counts = {}
    # decimal numbers of the same length and digits but the last: strtol costs the same
    other = qemu.REGION_SYSCALL + 1
    for number in (qemu.REGION_SYSCALL, other):
        with qemu.Channel() as ch:
            kfd = ch.key_fd()
            argv = qemu.qemu_argv(ch, kfd, prog, [prog, str(number)], arm_start=True)
            argv[argv.index("-plugin") + 1] += ",regions=on"
            done = subprocess.run(
                argv, pass_fds=(kfd, ch.write_fd), capture_output=True, text=True, timeout=60
            )
            os.close(kfd)
            records = ch.read(final=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["7", "7"]  # the buffer is untouched
        tree = qemu.tree(records)
        assert tree.complete
        counts[number] = tree.instructions
    assert counts[qemu.REGION_SYSCALL] == counts[other]
    # and unmeasured, in regions mode, it answers with the loop's count in between
    plain = _launcher()  # [setarch ARCH -R] qemu -cpu MODEL -plugin PLUGIN,regions=on
    done = subprocess.run(
        [*plain, prog, hex(qemu.REGION_SYSCALL)], capture_output=True, text=True, timeout=60
    )
    a, b = map(int, done.stdout.split())
    assert 100_000 < b - a < 1_000_000


def test_plugin_arguments_for_regions_are_checked(tmp_path: Path) -> None:
    plain = _launcher()
    bad = [*plain[:-1], plain[-1] + ",fd=1", "/bin/true"]
    done = subprocess.run(bad, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "keyfd=" in done.stderr


def test_without_qemu_the_cli_and_the_reexec_say_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text("def test_a():\n    pass\n")
    no_qemu = _env(PATH=str(tmp_path))  # python by absolute path; no qemu-x86_64 on PATH
    cli = subprocess.run(
        [sys.executable, "-m", "perfcount", "pytest", "-q"],
        cwd=tmp_path,
        env=no_qemu,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2 and "qemu-x86_64 is not installed" in cli.stderr, cli.stderr
    again = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, "--perfcount", "--perfcount-backend", "qemu"],
        cwd=tmp_path,
        env=no_qemu,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 4 and "qemu-x86_64 is not installed" in again.stderr
    # a re-run whose plugin does not answer is reported, not re-run again
    loop = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, "--perfcount", "--perfcount-backend", "qemu"],
        cwd=tmp_path,
        env=_env(**{qemu.REEXEC_ENV: "1"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loop.returncode == 4 and "does not answer region reads" in loop.stderr, loop.stderr
