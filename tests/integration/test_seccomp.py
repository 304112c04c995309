"""The candidates' seccomp filter: calls that reach past the sandbox fail with EPERM.

Each call is made by a real candidate in a real fork-server child, through
libc's ``syscall()`` (so no Python wrapper can hide the result), on both the
native and the callgrind server.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from perfcount.execute import seccomp
from perfcount.execute.runner import Runner

pytestmark = pytest.mark.skipif(not seccomp.available()[0], reason=seccomp.available()[1])

# x86-64 numbers; each call gets harmless arguments (a denied call fails before they matter)
PROBE = """
import ctypes, errno, os, platform
VALGRIND = os.environ.get("LD_PRELOAD", "").find("vgpreload") >= 0
CALLS = {
    "unshare(CLONE_NEWUSER)": (272, 0x10000000),
    "clone(CLONE_NEWUSER)": (56, 0x10000000 | 17, 0, 0, 0, 0),
    "clone(CLONE_NEWNET)": (56, 0x40000000 | 17, 0, 0, 0, 0),
    "setns": (308, -1, 0),
    "keyctl": (250, 0, 0),
    "add_key": (248, 0, 0, 0, 0, 0),
    "io_uring_setup": (425, 1, 0),
    "userfaultfd": (323, 0),
    "bpf": (321, 0, 0, 0) if not VALGRIND else (39,),
    "ptrace(PTRACE_ATTACH, 1)": (101, 16, 1, 0, 0),
    "mount": (165, 0, 0, 0, 0, 0),
    "open_by_handle_at": (304, -1, 0, 0),
    "perf_event_open": (298, "ATTR", 0, -1, -1, 0),
    "getpid": (39,),
}
def f():
    if platform.machine() != "x86_64":
        return {}
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(128)  # a valid pointer (valgrind checks it before the kernel)
    attr[4:8] = (128).to_bytes(4, "little")  # attr.size
    out = {}
    for name, (nr, *args) in CALLS.items():
        args = [attr if a == "ATTR" else a for a in args]
        ctypes.set_errno(0)
        rc = libc.syscall(nr, *args)
        out[name] = "ok" if rc >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    try:
        pid = os.fork()  # ordinary children work (not under valgrind: EPERM)
    except OSError as exc:
        out["fork"] = errno.errorcode.get(exc.errno, "?")
        return out
    if pid == 0:
        os._exit(7)
    out["fork"] = os.waitpid(pid, 0)[1] >> 8
    return out
"""

DENIED = [
    "unshare(CLONE_NEWUSER)",
    "clone(CLONE_NEWUSER)",
    "clone(CLONE_NEWNET)",
    "setns",
    "keyctl",
    "add_key",
    "io_uring_setup",
    "userfaultfd",
    "ptrace(PTRACE_ATTACH, 1)",
    "mount",
    "open_by_handle_at",
]


def _probe(backend: str) -> dict:
    # profiled, so the candidate runs in the backend's own fork server (callgrind's for valgrind)
    with Runner(backend, timeout=30, repeats=1) as r:
        p = r.profile(PROBE, "f", [[]])
    assert p.status == "ok", p.error
    return p.outputs[0]


QEMU = pytest.param(
    "qemu",
    marks=pytest.mark.needs_qemu,
)


@pytest.mark.parametrize(
    "backend", ["software", pytest.param("valgrind", marks=pytest.mark.needs_valgrind), QEMU]
)
def test_candidates_cannot_reach_past_the_sandbox(backend: str) -> None:
    # (under qemu-user the counting plugin installs the filter when the child arms it)
    got = _probe(backend)
    if not got:
        pytest.skip("the probe's syscall numbers are x86-64's")
    if backend in ("valgrind", "qemu"):
        # valgrind and qemu check some calls themselves before the kernel sees them
        # (valgrind: setns EBADF, userfaultfd ENOSYS, bpf with a NULL attr ends the guest;
        # qemu 7.2: keyctl, bpf, ptrace, perf_event_open ENOSYS, clone flags EINVAL, mount
        # EFAULT): none of them may succeed
        assert all(got[name] != "ok" for name in DENIED if name in got), got
        if backend == "qemu":
            # one qemu passes through: refused by the filter the plugin installed
            assert got["unshare(CLONE_NEWUSER)"] == "EPERM", got
    else:
        assert {name: got[name] for name in DENIED} == dict.fromkeys(DENIED, "EPERM")
    assert got["getpid"] == "ok"
    # under callgrind the count is per process: a candidate may start none (a thread is
    # fine); elsewhere its children are counted with it (inherited counters, qemu records)
    assert got["fork"] == ("EPERM" if backend == "valgrind" else 7)
    if backend == "software":
        assert got["bpf"] == "EPERM"
    # counted from outside, a candidate needs no counters of its own
    assert got["perf_event_open"] in (("ENOSYS", "EPERM") if backend == "qemu" else ("EPERM",))


CAPS = """
import os
def f(secret):
    caps = [ln.split()[1] for ln in open('/proc/self/status') if ln.startswith('CapEff:')][0]
    try:
        with open(secret) as fh:
            leaked = fh.read()
    except OSError as exc:
        leaked = type(exc).__name__
    import json  # the interpreter's own modules are still importable
    return [caps, leaked]
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid drop needs root")
@pytest.mark.parametrize(
    "backend", ["software", pytest.param("valgrind", marks=pytest.mark.needs_valgrind)]
)
def test_no_capability_is_kept_and_root_only_files_stay_unread(tmp_path, backend: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("api-key-123")
    secret.chmod(0o600)
    with Runner(backend, timeout=30, repeats=1) as r:
        p = r.profile(CAPS, "f", [[str(secret)]])
    assert p.status == "ok", p.error
    caps, leaked = p.outputs[0]
    assert int(caps, 16) == 0  # CAP_DAC_READ_SEARCH is no longer kept
    assert leaked == "PermissionError"


UNIX_CONNECT = """
import errno, os, socket
def f(path):
    out = {}
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except OSError as exc:
        out["socket"] = errno.errorcode.get(exc.errno, "?")
    else:
        try:
            s.connect(path)
            s.sendall(b"leak")
            out["socket"] = "connected"
        except OSError as exc:
            out["socket"] = "made, " + errno.errorcode.get(exc.errno, "?")
    a, b = socket.socketpair()  # stays allowed: multiprocessing's pipes need it
    a.sendall(b"ping")
    out["socketpair"] = b.recv(4).decode()
    import multiprocessing as mp
    r, w = mp.Pipe()
    w.send([1, 2])
    out["pipe"] = r.recv()
    if os.environ.get("LD_PRELOAD", "").find("vgpreload") < 0:  # processes: not under valgrind
        q = mp.get_context("fork").Queue()
        p = mp.get_context("fork").Process(target=q.put, args=(41,))
        p.start()
        out["queue"] = q.get(timeout=20)
        p.join(20)
    return out
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="the candidates' own uid needs root")
@pytest.mark.parametrize(
    "backend", ["software", pytest.param("valgrind", marks=pytest.mark.needs_valgrind), QEMU]
)
def test_no_unix_socket_outside_run(tmp_path, backend: str) -> None:
    # a 0666 unix socket in a folder every user can reach: the empty network namespace does
    # not cover filesystem sockets, the filter does (socket(AF_UNIX) is EPERM)
    import socket as socketlib
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="perfcount-unix-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        path = folder / "service.sock"
        server = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
        server.bind(str(path))
        path.chmod(0o666)
        server.listen(8)
        server.setblocking(False)
        with Runner(backend, timeout=60, repeats=1) as r:
            p = r.profile(UNIX_CONNECT, "f", [[str(path)]])
        assert p.status == "ok", p.error
        got = p.outputs[0]
        assert got["socket"] == "EPERM", got
        assert got["socketpair"] == "ping" and got["pipe"] == [1, 2], got
        if backend != "valgrind":
            assert got["queue"] == 41, got
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
        server.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
