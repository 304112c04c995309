"""The runner against real hostile candidates: every status, limits, survival.

Most cases run through ``Runner.check`` (the native fork server, fast); the
measured path is covered in ``test_backends.py``.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from perfcount._util import plain
from perfcount.errors import InvalidArgument
from perfcount.execute.runner import Check, Runner, check
from perfcount.execute.sandbox import PIDS_ROOT


@pytest.fixture(scope="module")
def runner():
    # drop_root=False: as nobody, a candidate cannot kill its fork server at all; these
    # tests exercise what happens when one does (test_hostile checks the uid drop)
    with Runner(
        "software", timeout=3, memory_mb=512, verify=False, max_pids=32, drop_root=False
    ) as r:
        yield r


def run(runner: Runner, body: str, args=(), entry: str = "f") -> Check:
    return runner.check(body, entry, [list(args)], [None])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ok_and_outputs_are_plain(runner):
    src = "def f(x):\n    return (x, {x}, [x * 1.5], b'hi', {1: 'a'})\n"
    c = runner.check(src, "f", [[2]], [plain.encode((2, {2}, [3.0], b"hi", {1: "a"}))])
    assert c.passed and c.status == "ok"
    assert plain.decode(c.outputs[0]) == (2, {2}, [3.0], b"hi", {1: "a"})


def test_wrong_output_reports_first_failure(runner):
    src = "def f(x):\n    return x + 1 if x < 3 else x\n"
    tests = [[1], [2], [3], [4]]
    c = runner.check(src, "f", tests, [2, 3, 4, 5])
    assert not c.passed and c.status == "failed"
    assert [f.index for f in c.failures] == [2, 3]
    assert c.failures[0].input == "[3]"
    assert "got 3, expected 4" in c.failures[0].diff
    assert "test 2" in c.error and "1 more" in c.error


def test_float_tolerance(runner):
    src = "def f(x):\n    return x / 3 + 1e-9\n"
    assert not runner.check(src, "f", [[1.0]], [1 / 3]).passed
    assert runner.check(src, "f", [[1.0]], [1 / 3], atol=1e-6).passed


def test_raising_candidate_reports_traceback_and_index(runner):
    src = "def f(x):\n    if x == 5:\n        raise ValueError('bad five')\n    return x\n"
    c = runner.check(src, "f", [[1], [5]], [1, 5])
    assert c.status == "failed" and not c.passed
    assert c.failures[0].index == 1
    assert "ValueError: bad five" in c.error
    assert 'File "<candidate>", line 3' in c.error  # candidate source lines in the traceback
    assert "_server.py" not in c.error  # harness frames stripped


def test_a_failing_profile_shows_the_candidates_source_lines(runner):
    # the profile child has the code object only; the runner puts the lines back
    src = "def f(x):\n    y = x + 1\n    return y // 0\n"
    p = runner.profile(src, "f", [[1]])
    assert p.status == "failed" and "ZeroDivisionError" in p.error
    assert 'File "<candidate>", line 3, in f\n    return y // 0' in p.error
    bad = runner.profile("def f(x:\n", "f", [[1]])
    assert bad.status == "failed" and "does not compile" in bad.error
    assert "SyntaxError" in bad.error and bad.error.count("def f(x:") == 1


def test_candidates_get_no_future_flags_of_the_harness(runner):
    # compile() inherits the caller's __future__ flags unless told not to: the server's
    # `from __future__ import annotations` once made every candidate's annotations strings
    src = "def f() -> int:\n    return 1\ndef g():\n    return type(f.__annotations__['return']).__name__\n"
    assert runner.check(src, "g", [[]], ["type"]).passed
    p = runner.profile(src, "g", [[]])
    assert p.status == "ok" and p.outputs == ["type"]


def test_sys_exit(runner):
    c = run(runner, "import sys\ndef f():\n    sys.exit(3)\n")
    assert c.status == "failed" and "sys.exit(3)" in c.error


def test_os_exit_without_result(runner):
    c = run(runner, "import os\ndef f():\n    os._exit(3)\n")
    assert c.status == "failed" and "exited with code 3" in c.error


def test_missing_entry_point_and_syntax_error(runner):
    c = runner.check("def g():\n    return 1\n", "f", [[]], [1])
    assert c.status == "failed" and "'f' is not defined" in c.error and "g" in c.error
    c = runner.check("def f(:\n", "f", [[]], [1])
    assert c.status == "failed" and "SyntaxError" in c.error


def test_non_plain_return_is_failed(runner):
    c = run(runner, "class P:\n    pass\ndef f():\n    return P()\n")
    assert c.status == "failed" and "is not plain data" in c.error


def test_infinite_loop_times_out(runner):
    t0 = time.monotonic()
    c = run(runner, "def f():\n    while True:\n        pass\n")
    assert c.status == "timeout"
    assert time.monotonic() - t0 < 30


def test_sleep_past_timeout(runner):
    c = run(runner, "import time\ndef f():\n    time.sleep(100)\n")
    assert c.status == "timeout" and "wall-clock" in c.error


def test_ignoring_sigterm_is_killed(runner):
    src = (
        "import signal, time\n"
        "def f():\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "    time.sleep(100)\n"
    )
    c = run(runner, src)
    assert c.status == "timeout"


def test_huge_allocation_is_memory(runner):
    c = run(runner, "def f():\n    x = bytearray(20 * 2**30)\n    return len(x)\n")
    assert c.status == "memory" and "MemoryError" in c.error


def test_abort_is_crashed_with_signal_name(runner):
    c = run(runner, "import os\ndef f():\n    os.abort()\n")
    assert c.status == "crashed" and "SIGABRT" in c.error


def test_segfault_is_crashed(runner):
    c = run(runner, "import os, signal\ndef f():\n    os.kill(os.getpid(), signal.SIGSEGV)\n")
    assert c.status == "crashed" and "SIGSEGV" in c.error


def test_gigabyte_of_stdout_is_bounded(runner):
    # 1 GB of prints must not fill the disk: RLIMIT_FSIZE stops it at file_mb
    src = "import sys\ndef f():\n    s = 'x' * (1 << 20)\n    for _ in range(1024):\n        sys.stdout.write(s)\n"
    c = run(runner, src)
    assert c.status == "output_too_large" and "16 MiB" in c.error


def test_prints_do_not_corrupt_protocol_and_are_captured(runner):
    src = "import os\ndef f():\n    print('hello from f')\n    os.write(1, b'\\x00' * 100)\n    os.write(2, b'on stderr')\n    return 7\n"
    c = runner.check(src, "f", [[]], [7])
    assert c.passed
    assert "hello from f" in c.stdout and "on stderr" in c.stdout


def test_outputs_too_large():
    with Runner("software", timeout=10, verify=False, output_mb=1) as r:
        c = r.check("def f():\n    return 'x' * (3 << 20)\n", "f", [[]], [None])
    assert c.status == "output_too_large"


def _kill_during_the_next_run(runner, which: str) -> threading.Timer:
    """SIGKILL the fork server (``which="server"``) or its zygote 1 s from now.

    A candidate cannot do it itself: in a pid namespace of its own it cannot
    name either (its parent is pid 0 to it; test_hostile's kill_parent).
    """
    assert runner.check("def f():\n    return 0\n", "f", [[]], [0]).passed
    (server,) = [s for s in runner._servers.values() if s.alive()]
    pid = server.pid if which == "server" else next(iter(server._own_pids - {server.pid}))
    timer = threading.Timer(1.0, os.kill, (pid, signal.SIGKILL))
    timer.start()
    return timer


SLEEPER = "import time\ndef f():\n    time.sleep(30)\n"


def test_a_zygote_killed_while_its_candidate_runs_is_reported_and_survived(runner):
    timer = _kill_during_the_next_run(runner, "zygote")
    c = run(runner, SLEEPER)
    timer.join()
    assert c.status == "crashed" and "fork server died" in c.error
    # the server is restarted transparently
    assert runner.check("def f():\n    return 1\n", "f", [[]], [1]).passed


def test_candidate_cannot_signal_the_evaluator_group(runner):
    # the candidate sits in its own session: killing "its" process group hits only itself
    src = "import os, signal\ndef f():\n    os.killpg(0, signal.SIGKILL)\n"
    c = run(runner, src)
    assert c.status == "crashed" and "SIGKILL" in c.error
    assert runner.check("def f():\n    return 2\n", "f", [[]], [2]).passed


def test_background_grandchild_is_killed(runner):
    # the filesystem outside the candidate's folder is read-only: report the pid on stdout
    src = (
        "import os, time\n"
        "def f():\n"
        "    r, w = os.pipe()\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        # its pid on the host: getpid() answers the one in its pid namespace, the\n"
        "        # host's /proc (not remounted for root candidates) the host's\n"
        "        os.write(w, os.readlink('/proc/self').encode())\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "    print('PID', os.read(r, 20).decode(), flush=True)\n"
        "    return 1\n"
    )
    c = runner.check(src, "f", [[]], [1])
    if (PIDS_ROOT / "cgroup.procs").exists():
        # work cannot hide in a daemon: leaving one behind fails the candidate
        assert not c.passed and c.status == "failed" and "left 1 process behind" in c.error
    pid = int(c.stdout.split("PID")[1].split()[0])
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.02)
    assert not _alive(pid)


@pytest.mark.skipif(not (PIDS_ROOT / "cgroup.procs").exists(), reason="no cgroup v1 pids hierarchy")
def test_fork_bomb_is_contained(runner):
    src = (
        "import os, time\n"
        "def f():\n"
        "    n = 0\n"
        "    while True:\n"
        "        try:\n"
        "            if os.fork() == 0:\n"
        "                while True:\n"
        "                    try:\n"
        "                        os.fork()\n"
        "                    except OSError:\n"
        "                        time.sleep(0.01)\n"
        "            n += 1\n"
        "        except OSError:\n"
        "            time.sleep(0.01)\n"
    )
    assert "pids cgroups" in runner.sandbox
    c = run(runner, src)
    assert c.status == "timeout"
    assert runner.check("def f():\n    return 3\n", "f", [[]], [3]).passed
    # nothing of the bomb is left in the runner's cgroup
    root = PIDS_ROOT / "perfcount" / runner._id
    left = [
        int(p)
        for d in root.glob("c[0-9]*")
        if d.is_dir()
        for p in (d / "cgroup.procs").read_text().split()
    ]
    assert left == []


def test_candidate_runs_in_fresh_removed_workdir(runner):
    src = "import os\ndef f():\n    open('scratch.txt', 'w').write('x')\n    return os.getcwd()\n"
    c = runner.check(src, "f", [[]], [None])
    cwd = c.outputs[0]
    assert cwd != os.getcwd() and not Path(cwd).exists()


def test_arguments_are_fresh_copies_per_call(runner):
    src = "def f(xs):\n    xs.append(1)\n    return len(xs)\n"
    c = runner.check(src, "f", [[[0]], [[0]]], [2, 2])
    assert c.passed


def test_stdin_is_empty(runner):
    c = runner.check("import sys\ndef f():\n    return sys.stdin.read()\n", "f", [[]], [""])
    assert c.passed


def test_module_check_function():
    c = check("def f(a, b):\n    return a * b\n", "f", [[2, 3], [4, 5]], [6, 20])
    assert c.passed and c.outputs == [6, 20]


def test_bad_arguments_raise_clear_errors(runner):
    with pytest.raises(InvalidArgument, match="argument list"):
        runner.check("def f(x): return x", "f", [1, 2], [1, 2])
    with pytest.raises(InvalidArgument, match="expected outputs"):
        runner.check("def f(x): return x", "f", [[1]], [])
    with pytest.raises(InvalidArgument, match="function name"):
        runner.check("def f(x): return x", "not a name", [[1]], [1])
    with pytest.raises(InvalidArgument, match="not plain data"):
        runner.check("def f(x): return x", "f", [[object()]], [1])
    with pytest.raises(InvalidArgument, match="timeout"):
        Runner("software", timeout=-1, verify=False)


def test_close_leaves_nothing_behind():
    r = Runner("software", timeout=5, verify=False)
    assert r.check("def f():\n    return 1\n", "f", [[]], [1]).passed
    server = r._servers["native"].proc
    tmp = r._dir
    cg = r._cgroup.path
    r.close()
    assert server.poll() is not None
    assert not tmp.exists()
    assert cg is None or not cg.exists()
    with pytest.raises(InvalidArgument, match="closed"):
        r.check("def f():\n    return 1\n", "f", [[]], [1])


def test_evaluator_survives_sigterm_storm(runner):
    # a candidate that signals every process it can see except itself must not reach us
    me = os.getpid()
    src = (
        "import os, signal\n"
        "def f(me):\n"
        "    try:\n"
        "        os.killpg(os.getpgid(os.getppid()), signal.SIGTERM)\n"
        "    except OSError:\n"
        "        pass\n"
        "    return me\n"
    )
    old = signal.signal(signal.SIGTERM, lambda *a: pytest.fail("SIGTERM reached the evaluator"))
    try:
        c = runner.check(src, "f", [[me]], [me])
    finally:
        signal.signal(signal.SIGTERM, old)
    assert c.status in ("ok", "crashed")


def test_without_cgroups_it_degrades_and_says_why(monkeypatch, tmp_path):
    import perfcount.execute.sandbox

    monkeypatch.setattr(perfcount.execute.sandbox, "PIDS_ROOT", tmp_path / "no-cgroups")
    with Runner("software", timeout=5, verify=False) as r:
        assert "no cgroup v1 pids hierarchy" in r.sandbox
        assert r.check("def f():\n    return 1\n", "f", [[]], [1]).passed
        c = r.check("import time\ndef f():\n    time.sleep(30)\n", "f", [[]], [None], timeout=0.5)
        assert c.status == "timeout"


def test_a_fork_server_killed_while_its_candidate_runs(runner):
    # the zygote's parent, one more level up
    timer = _kill_during_the_next_run(runner, "server")
    c = run(runner, SLEEPER)
    timer.join()
    assert c.status == "crashed" and "fork server died" in c.error
    assert runner.check("def f():\n    return 4\n", "f", [[]], [4]).passed


def test_memory_limit_is_on_top_of_the_harness(runner):
    # 512 MiB for the candidate itself, whatever the interpreter already maps
    src = "def f(mb):\n    return len(bytearray(mb << 20)) >> 20\n"
    assert runner.check(src, "f", [[400]], [400]).passed
    assert runner.check(src, "f", [[600]], [600]).status == "memory"


@pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root here")
def test_candidate_has_no_network(runner):
    import socket

    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    src = (
        "import socket\n"
        "def f(port):\n"
        "    try:\n"
        "        socket.create_connection(('127.0.0.1', port), timeout=1).close()\n"
        "        return 'connected'\n"
        "    except OSError as exc:\n"
        "        return type(exc).__name__\n"
    )
    try:
        c = runner.check(src, "f", [[port]], ["connected"])
        assert c.status == "failed" and c.outputs[0] != "connected"
        with Runner("software", timeout=5, verify=False, network=True) as open_net:
            assert open_net.check(src, "f", [[port]], ["connected"]).passed
    finally:
        srv.close()


def test_runner_pool_keeps_one_warm_runner_per_thread_and_key():
    import threading

    from perfcount.execute.pool import RunnerPool, shared_pool

    pool = RunnerPool()
    a = pool.get("python", "software", timeout=3, verify=False)
    assert pool.get("python", "software", timeout=3, verify=False) is a  # warm: reused
    b = pool.get("python", "software", timeout=4, verify=False)  # other limits: another
    assert b is not a and len(pool) == 2
    src = "def f(x):\n    return x * 2\n"
    assert a.check(src, "f", [[2]], [4]).passed
    other: list = []
    t = threading.Thread(target=lambda: other.append(pool.get("python", "software", timeout=3)))
    t.start()
    t.join()
    assert other[0] is not a  # a runner is only ever handed to one thread
    pool.close(this_thread=True)  # e.g. after a failure: this thread starts afresh
    assert len(pool) == 1 and a._closed and b._closed and not other[0]._closed
    pool.close()
    assert other[0]._closed
    with pytest.raises(InvalidArgument, match="closed"):
        pool.get("python", "software")
    with pytest.raises(InvalidArgument, match="unknown runner kind"):
        shared_pool().get("java", "software")
    assert shared_pool() is shared_pool()


def test_candidates_get_the_runner_s_switch_interval() -> None:
    """By default threads switch where they block (sandbox.GIL_SWITCH_INTERVAL);
    Python's own interval is one argument away, and a bad one is refused by name."""
    from perfcount.execute.sandbox import GIL_SWITCH_INTERVAL, PYTHON_SWITCH_INTERVAL

    probe = "import sys\ndef f():\n    return sys.getswitchinterval()\n"
    with Runner("software", repeats=1) as r:
        checked = r.check(probe, "f", [[]], [GIL_SWITCH_INTERVAL])
        assert checked.status == "ok" and checked.passed, checked
        assert r.profile(probe, "f", [[]]).outputs == [GIL_SWITCH_INTERVAL]
    with Runner("software", repeats=1, switch_interval=PYTHON_SWITCH_INTERVAL) as r:
        assert r.profile(probe, "f", [[]]).outputs == [PYTHON_SWITCH_INTERVAL]
        assert r.switch_interval == PYTHON_SWITCH_INTERVAL
    with pytest.raises(InvalidArgument, match="switch_interval must be"):
        Runner("software", switch_interval=0)
