"""Nothing of a candidate is a file of the fork server's, and nothing planted there is used.

A candidate's request is a memfd, its stdout/stderr a pipe the server reads,
its work folder a tmpfs of its own, and valgrind logs to a descriptor
(``--log-fd``): the server's folder holds no per-candidate file that a link,
FIFO or folder planted under its name could redirect, block or forge. In the
root sandbox candidates cannot write there at all (read-only mounts, own uid),
so the planting below is done by the test process itself, as root, where a
candidate of a degraded sandbox or another local process would; a hostile
candidate of a second Runner tries the same from inside its sandbox.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from perfcount.execute.runner import Runner

HONEST = "def f(n):\n    return sum(i * i for i in range(n))\n"

WRITER = """
import os
def f(i):
    with open("mine.txt", "w") as fh:
        fh.write("x" * 10000)
    with open(os.path.join(os.environ["TMPDIR"], "tmp.bin"), "wb") as fh:
        fh.write(b"y" * 10000)
    with open(f"/dev/shm/shm{i}", "wb") as fh:
        fh.write(b"z" * 1000)
    os.mkdir("sub")
    os.symlink("/etc/passwd", "sub/link")
    print("wrote", i)
    return i
"""

# tries, from inside the sandbox, what the test process does from outside below
PLANT_FROM_INSIDE = """
import glob, os
def f(n):
    made = 0
    for folder in glob.glob("/tmp/perfcount-run-*/*/"):
        for k in range(n):
            for name, make in ((f"w{k:012d}", os.mkfifo), (f"valgrind.{os.getpid() + k}.log", os.mkfifo),
                               (f"out{k:012d}", lambda p: os.symlink("/etc/passwd", p))):
                try:
                    make(os.path.join(folder, name))
                    made += 1
                except OSError:
                    pass
    return made
"""


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_stdout_is_read_through_a_pipe_bounded() -> None:
    loud = (
        "import sys\ndef f():\n"
        "    sys.stdout.write('a' * (3 << 20))\n"
        "    sys.stderr.write('TAIL-MARK')\n"
        "    return 1\n"
    )
    with Runner("software", timeout=20, verify=False, file_mb=4) as r:
        c = r.check(loud, "f", [[]], [1])
        assert c.passed, c.error
        # the last 4096 bytes, marked as a tail
        assert c.stdout.startswith("...") and c.stdout.endswith("TAIL-MARK")
        assert len(c.stdout) == 3 + 4096
        over = r.check(loud.replace("3 << 20", "5 << 20"), "f", [[]], [1])
        assert over.status == "output_too_large", over.error
        assert "4 MiB" in over.error
        # no capture file, request file or log: only the runner's server.log
        (server,) = r._servers.values()
        assert sorted(os.listdir(server.work_root)) == ["server.log"]


def test_stdout_held_open_by_a_daemon_or_never_closed() -> None:
    # the child hands its stdout to a process in a session of its own that sleeps on
    # (it is killed with the cgroup); another closes nothing and sleeps past its timeout
    daemon = (
        "import os, time\ndef f():\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        print('daemon up', flush=True)\n"
        "        time.sleep(120)\n"
        "        os._exit(0)\n"
        "    time.sleep(0.3)\n"
        "    return 1\n"
    )
    sleeper = "import sys, time\ndef f():\n    sys.stdout.write('z' * 70000)\n    time.sleep(60)\n"
    with Runner("software", timeout=3, verify=False) as r:
        d = r.check(daemon, "f", [[]], [1])
        assert d.status == "failed" and "left 1 process behind" in d.error, d.error
        assert "daemon up" in d.stdout
        s = r.check(sleeper, "f", [[]], [1])
        assert s.status == "timeout", s.error
        assert s.stdout.endswith("z" * 100)  # what filled the pipe was read, not lost
        assert r.check(HONEST, "f", [[3]], [5]).passed


def test_nothing_of_100_candidates_is_left_on_the_host() -> None:
    with Runner("software", timeout=20, verify=False) as r:
        r.check(HONEST, "f", [[3]], [5])
        before = _tree(r._dir)
        for i in range(100):
            c = r.check(WRITER, "f", [[i]], [i])
            assert c.passed, c.error
            assert c.stdout == f"wrote {i}\n"
        after = _tree(r._dir)
    assert after == before, after - before
    assert {Path(p).name for p in after} <= {"server.log", *{p for p in before if "/" not in p}}


def _plant(folder: Path, sentinel: Path, names: list[str], stop: threading.Event) -> list[int]:
    """As root: keep putting FIFOs, links to ``sentinel`` and folders under ``names``."""
    made = [0]
    kinds = (
        lambda p: os.mkfifo(p),
        lambda p: os.symlink(sentinel, p),
        lambda p: os.mkdir(p),
    )
    while not stop.is_set():
        for i, name in enumerate(names):
            try:
                kinds[i % 3](folder / name)
                made[0] += 1
            except OSError:
                pass
        time.sleep(0.002)
    return made


@pytest.mark.needs_valgrind
@pytest.mark.skipif(os.geteuid() != 0, reason="the candidates' own uid needs root")
def test_planted_links_and_fifos_change_no_victims_count(tmp_path) -> None:
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text("keep me\n")
    sentinel.chmod(0o644)
    before = sentinel.stat()
    with Runner("valgrind", timeout=60) as victim, Runner("software", timeout=60) as hostile:
        baseline = victim.profile(HONEST, "f", [[3000]])
        assert baseline.status == "ok", baseline.error
        server = victim._servers["valgrind"]
        folder = server.work_root
        nxt = int(repr(victim._seq).split("(")[1].rstrip(")"))
        pid = server.pid
        names = (
            [f"w{k:012d}" for k in range(nxt, nxt + 40)]
            + [f"out{k:012d}" for k in range(nxt, nxt + 40)]
            + [f"valgrind.{p}.log" for p in range(pid, pid + 400)]
            + ["request.json"]
        )
        stop = threading.Event()
        made: list[list[int]] = []
        planter = threading.Thread(
            target=lambda: made.append(_plant(folder, sentinel, names, stop)), daemon=True
        )
        inside: list = []
        attacker = threading.Thread(
            target=lambda: inside.append(hostile.profile(PLANT_FROM_INSIDE, "f", [[50]])),
            daemon=True,
        )
        planter.start()
        attacker.start()
        try:
            runs = [victim.profile(HONEST, "f", [[3000]]) for _ in range(4)]
        finally:
            stop.set()
            planter.join(10)
            attacker.join(120)
        assert made and made[0][0] > 0  # the planting really happened, during the runs
        for p in runs:
            assert p.status == "ok", p.error
            assert p.cost == baseline.cost  # exactly: nothing planted was read as a count
        assert inside and inside[0].status == "ok", inside and inside[0].error
        assert inside[0].outputs == [0]  # nothing could be planted from inside the sandbox
        # nothing planted was followed: the link target is untouched
        after = sentinel.stat()
        assert sentinel.read_text() == "keep me\n"
        assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
        again = victim.profile(HONEST, "f", [[3000]])
        assert again.status == "ok" and again.cost == baseline.cost
        # the server removed what was planted, following nothing (a planted folder is gone,
        # a FIFO was unlinked, not opened)
        left = [n for n in os.listdir(folder) if n != "server.log"]
        for n in left:
            assert not stat.S_ISREG(os.lstat(folder / n).st_mode), n


ENDINGS = {
    # how a candidate ends decides the ints of its exit status and rusage in the zygote
    "exit 72": "import os\ndef f(n):\n    os._exit(72)\n",
    "many switches": "import time\ndef f(n):\n    for _ in range(400):\n        time.sleep(0.0002)\n    return 0\n",
    "killed": "import os, signal\ndef f(n):\n    os.kill(os.getpid(), signal.SIGKILL)\n",
    "big": "def f(n):\n    x = bytearray(64 << 20)\n    return len(x)\n",
}


@pytest.mark.needs_valgrind
def test_how_the_previous_candidate_ended_does_not_change_the_next_count() -> None:
    # the zygote forks every child; nothing of the previous child's exit may still be alive
    # in it then (before: 5 different counts of one honest candidate over 11 runs)
    honest = "def f(n):\n    d = {}\n    for i in range(n):\n        d[str(i)] = [i] * 3\n    return len(d)\n"
    with Runner("valgrind", timeout=30) as r:
        first = r.profile(honest, "f", [[2000]])
        assert first.status == "ok", first.error
        for name, src in ENDINGS.items():
            r.profile(src, "f", [[1]])
            again = r.profile(honest, "f", [[2000]])
            assert again.status == "ok", again.error
            assert again.cost == first.cost, name


HEAP_PROBE = (
    "import sys\nA = [hex(id(object())), sys.getallocatedblocks()]\ndef f(n):\n    return A\n"
)


@pytest.mark.parametrize("drop_root", [True, False])
def test_every_child_inherits_the_same_heap(drop_root: bool) -> None:
    # the first object a candidate makes lands at the same address in every child: the
    # zygote's loop (in C) allocates nothing between two forks. Its loop in Python left
    # the free blocks in an order that alternated from one round to the next (this
    # address took two values in turn with drop_root=False; counts alternated by 76
    # instructions when the zygote also forked a placeholder with os.fork)
    with Runner("software", timeout=30, repeats=1, drop_root=drop_root) as r:
        seen = [tuple(r.profile(HEAP_PROBE, "f", [[0]]).outputs[0]) for _ in range(6)]
    assert len(set(seen)) == 1, seen


INODE_FLOOD = """
def f(n):
    made = 0
    for folder in (".", "/dev/shm"):
        try:
            for i in range(n):
                open(f"{folder}/f{i}", "w").close()
                made += 1
        except OSError as exc:
            return [made, exc.errno]
    return [made, 0]
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="private tmpfs folders need root")
def test_a_flood_of_empty_files_stops_at_the_inode_limit() -> None:
    # the size limit alone lets a candidate make millions of empty files (memory, and a
    # slow removal); its tmpfs folders hold at most MAX_FILES inodes
    import errno

    from perfcount.execute.sandbox import MAX_FILES

    with Runner("software") as r:
        p = r.profile(INODE_FLOOD, "f", [[MAX_FILES + 1000]])
        assert p.status == "ok", p.error
        made, err = p.outputs[0]
        assert err == errno.ENOSPC and MAX_FILES - 16 <= made < MAX_FILES, p.outputs
        assert r.check(HONEST, "f", [[10]], [285]).passed  # the next candidate is unharmed
