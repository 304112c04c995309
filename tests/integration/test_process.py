"""perfcount.run(): a real counted child process (fork, enable_on_exec, inherit, wait4)."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import perfcount
from perfcount.counters.process import ProcessResult, run
from perfcount.counters.region import close_groups
from perfcount.errors import CandidateError, CounterUnavailable, InvalidArgument

PY = sys.executable


def fds_of_kind(*prefixes: str) -> dict[str, str]:
    """fd -> target for the fds whose link starts with one of ``prefixes``."""
    out = {}
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith(prefixes):
                out[fd] = target
    return out


def perf_fds() -> set[str]:
    return set(fds_of_kind("anon_inode:[perf_event]"))


def child_pids() -> set[str]:
    pids: set[str] = set()
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            pids.update(Path(f"/proc/self/task/{tid}/children").read_text().split())
    return pids


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """No counter fds, pipes or child processes are left behind by a run."""
    close_groups()
    before_fds, before_children = perf_fds(), child_pids()
    kinds = ("pipe:", "anon_inode:[pidfd]", "/dev/null")  # what run() opens
    before_pipes = fds_of_kind(*kinds)
    yield
    close_groups()
    gc.collect()
    assert perf_fds() == before_fds, "perf_event fds left open"
    assert child_pids() <= before_children, f"child processes left behind: {child_pids()}"
    left = {fd: t for fd, t in fds_of_kind(*kinds).items() if before_pipes.get(fd) != t}
    assert not left, f"fds left open: {left}"


BUSY = "import time\nt=time.process_time()\nwhile time.process_time()-t < {s}: pass\n"


def test_counts_exit_status_and_output() -> None:
    r = run(["sh", "-c", "echo out; echo err >&2; exit 3"], events="task-clock,page-faults")
    assert isinstance(r, ProcessResult)
    assert r.returncode == 3 and r.signal is None and not r.ok
    assert r.stdout == b"out\n" and r.stderr == b"err\n"
    assert not r.truncated and not r.timed_out
    assert r.counts["task-clock"] > 0 and r.counts["page-faults"] > 0
    assert r.counts.backend == "software"
    assert r.wall_ns > 0 and r.max_rss > 1 << 20
    assert r.argv == ("sh", "-c", "echo out; echo err >&2; exit 3")
    d = r.to_dict()
    assert d["stdout"] == "out\n" and d["counts"]["values"]["page-faults"] > 0


def test_child_and_grandchildren_counted_parent_excluded() -> None:
    # the grandchild (python under sh) burns 0.3 s of CPU: it must be counted
    code = BUSY.format(s=0.3)
    r = run(["sh", "-c", f'"{PY}" -c "$1"; true', "sh", code], events=["task-clock"])
    assert r.ok
    assert r.counts["task-clock"] >= 0.25e9

    # the parent burns CPU in a thread while the child sleeps: not counted (and
    # the thread runs at all because run() releases the GIL while it waits)
    stop = threading.Event()
    rounds = [0]

    def burn() -> None:
        while not stop.is_set():
            sum(range(1000))
            rounds[0] += 1

    t = threading.Thread(target=burn)
    t.start()
    try:
        r = run(["sleep", "0.3"], events=["task-clock"])
    finally:
        stop.set()
        t.join()
    assert r.ok
    assert r.counts["task-clock"] < 0.1e9
    assert r.wall_ns >= 0.25e9
    assert rounds[0] > 100


def test_work_scales_with_the_childs_work() -> None:
    def cost(s: float) -> float:
        return run([PY, "-c", BUSY.format(s=s)], events=["task-clock"]).counts["task-clock"]

    base = cost(0.0)
    one = cost(0.15) - base
    two = cost(0.3) - base
    assert 1.5 <= two / one <= 2.5, (base, one, two)


def test_exec_failures_raise_candidate_error(tmp_path: Path) -> None:
    with pytest.raises(CandidateError) as info:
        run(["perfcount-no-such-command", "x"])
    assert "perfcount-no-such-command" in str(info.value)
    assert "No such file or directory" in str(info.value)
    assert info.value.errno == 2

    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    with pytest.raises(CandidateError, match="Permission denied") as info:
        run([str(script)])
    assert "chmod +x" in info.value.hint
    script.chmod(0o755)
    assert run([str(script)]).stdout == b"hi\n"

    with pytest.raises(CandidateError, match="cannot change directory"):
        run(["true"], cwd=tmp_path / "missing")


def test_stdin_env_cwd(tmp_path: Path) -> None:
    big = os.urandom(3 << 20)  # larger than a pipe buffer both ways: no deadlock
    r = run(["cat"], stdin=big)
    assert r.stdout == big and r.ok
    assert run(["cat"], stdin="héllo").stdout == "héllo".encode()
    assert run(["cat"]).stdout == b""  # stdin=None is /dev/null
    r = run(
        ["sh", "-c", 'echo "$PERFCOUNT_T"; pwd'],
        env={"PERFCOUNT_T": "v", "PATH": "/bin:/usr/bin"},
        cwd=tmp_path,
    )
    assert r.stdout.decode().split() == ["v", str(tmp_path)]
    # the child ignores its stdin: feeding stops without an error
    assert run(["true"], stdin=b"x" * (1 << 20)).ok


def test_program_is_found_on_the_given_environments_path(tmp_path: Path) -> None:
    tool = tmp_path / "perfcount-test-tool"
    tool.write_text("#!/bin/sh\necho found\n")
    tool.chmod(0o755)
    r = run([tool.name], env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert r.stdout == b"found\n"
    with pytest.raises(CandidateError, match="No such file"):
        run([tool.name])  # not on this process's PATH
    with pytest.raises(CandidateError, match="No such file"):
        run(["perfcount-no-such-command"], env={"PATH": str(tmp_path)})


def test_output_is_bounded_and_flagged() -> None:
    r = run(
        [PY, "-c", "import sys; sys.stdout.write('x' * 5_000_000); sys.stderr.write('e')"],
        max_output=1000,
    )
    assert len(r.stdout) == 1000 and r.stdout_truncated and r.truncated
    assert r.stderr == b"e" and not r.stderr_truncated
    assert r.ok  # the rest was drained, the child never blocked


def test_timeout_kills_the_process_group() -> None:
    marker = f"perfcount-test-{os.getpid()}-{time.monotonic_ns()}"
    code = "sleep 30 & echo $!; wait"  # a grandchild in the same process group
    t0 = time.monotonic()
    r = run(["sh", "-c", code, marker], timeout=1.5)
    assert time.monotonic() - t0 < 10
    assert r.timed_out and not r.ok
    assert r.signal == signal.SIGTERM and r.returncode == -signal.SIGTERM, r
    grandchild = int(r.stdout.split()[0])
    for _ in range(50):
        if not Path(f"/proc/{grandchild}").exists():
            break
        stat = Path(f"/proc/{grandchild}/stat").read_text()
        if stat.split(")")[1].split()[0] == "Z":
            break
        time.sleep(0.02)
    else:
        pytest.fail("the grandchild survived the timeout")


def test_sigterm_ignored_gets_sigkill() -> None:
    # the timeout leaves the shell ample time to install its trap, even on a loaded machine
    r = run(["sh", "-c", "trap '' TERM; while :; do :; done"], timeout=1.5, kill_grace=0.2)
    assert r.timed_out and r.signal == signal.SIGKILL, r


def test_ctrl_c_while_waiting_kills_and_reaps_the_child() -> None:
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            run(["sleep", "30"])
    finally:
        timer.cancel()
    assert time.monotonic() - t0 < 10  # the fixture checks the child was reaped


def test_signal_and_max_rss() -> None:
    r = run(["sh", "-c", "kill -9 $$"])
    assert r.signal == 9 and r.returncode == -9
    r = run([PY, "-c", "b = bytearray(200 << 20); b[::4096] = b'x' * len(b[::4096])"])
    assert r.ok and r.max_rss >= 200 << 20


def test_background_descendant_holding_the_pipes_is_stopped() -> None:
    t0 = time.monotonic()
    r = run(["sh", "-c", "sleep 30 & echo started"])
    assert r.ok and r.stdout == b"started\n", r
    assert time.monotonic() - t0 < 10


def test_capture_false_shares_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    r = run(["sh", "-c", "echo shared"], capture=False)
    assert r.ok and r.stdout == b""
    assert "shared" in capfd.readouterr().out


def test_gpu_reason_when_absent() -> None:
    r = run(["true"], events=["task-clock"], gpu=True)
    assert r.counts.gpu is None and r.counts.gpu_reason


def test_no_pmu_error_for_a_child() -> None:
    if perfcount._native.hardware_pmu_present():
        pytest.skip("a hardware PMU exists here")
    with pytest.raises(CounterUnavailable, match="no hardware PMU"):
        run(["true"], events=["instructions"], backend="perf")


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "message"),
    [
        ([[]], {}, InvalidArgument, "empty"),
        ([""], {}, InvalidArgument, "empty"),
        ([b"true"], {}, InvalidArgument, "list of strings"),
        ([["true", 1]], {}, InvalidArgument, "strings or paths"),
        ([["true"]], {"timeout": 0}, InvalidArgument, "timeout"),
        ([["true"]], {"timeout": "1"}, InvalidArgument, "timeout"),
        ([["true"]], {"stdin": 3}, InvalidArgument, "stdin"),
        ([["true"]], {"env": ["A=1"]}, InvalidArgument, "mapping"),
        ([["true"]], {"env": {"A=B": "1"}}, InvalidArgument, "environment"),
        ([["true"]], {"max_output": -1}, InvalidArgument, "max_output"),
        ([["true"]], {"events": "task-clok"}, InvalidArgument, "task-clock"),
        ([["true"]], {"stdin": b"x", "capture": False}, InvalidArgument, "capture"),
    ],
)
def test_bad_arguments(args: list, kwargs: dict, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message):
        run(*args, **kwargs)


def test_string_argv_is_split_and_public_name() -> None:
    assert perfcount.run is run
    r = perfcount.run("sh -c 'echo a b'")
    assert r.stdout == b"a b\n"


def test_many_runs_leave_nothing_open() -> None:
    n_fds = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        run(["true"], stdin=b"x")
    assert len(os.listdir("/proc/self/fd")) == n_fds


def test_setup_before_exec_is_not_counted() -> None:
    # enable_on_exec: the fork of this (large) interpreter and the attach are not
    # billed to the child; `true` itself faults in a few dozen pages at most
    r = run(["true"], events=["page-faults", "task-clock"])
    assert r.ok
    assert 0 < r.counts["page-faults"] < 200
    assert 0 < r.counts["task-clock"] < 50e6
