"""The fork server: a pre-imported zygote that forks one fresh child per candidate.

Started by :class:`perfcount.execute.runner.Runner` as ``python -m perfcount.execute.server``
(for the valgrind backend under ``valgrind --tool=callgrind -v
--instr-atstart=no``, for qemu under ``qemu-x86_64`` with perfcount's plugin). It speaks
length-prefixed JSON over its stdin (requests)
and stdout (replies); right at start it moves those two pipes to private fds
and points fds 0/1 at /dev/null and stderr, so nothing a candidate prints can
reach the protocol stream.

Protocol: every message is an 8-byte big-endian length and that many bytes of
UTF-8 JSON. The server first sends ``{"event": "hello", ...}``. Each request
``{"op": "run", ...}`` gets ``{"event": "started", "pid": P}`` as soon as the
child exists, then ``{"event": "done", ...}`` with the raw facts (exit status,
rusage, what the child reported, whether it timed out or overflowed its output
channel). The parent classifies them. ``{"op": "exit"}`` ends the server.

A child: new session, own pids and memory cgroups, stdin from /dev/null,
stdout+stderr into a pipe the server reads (the last 4096 bytes kept, the total
bounded by ``file_mb``; no file on the host), new ipc/uts/net/mount
namespaces (everything read-only but a private tmpfs work folder), resource
limits, a seccomp filter, then a uid of its own and no capabilities (root
only; see :func:`perfcount.execute.sandbox.isolate` and
:func:`~perfcount.execute.sandbox.drop_capabilities`). In ``profile`` mode it
then compiles the candidate and decodes its inputs, writes "R" on its result
pipe and sleeps in a read of its start pipe; the server starts the count (perf:
a group opened on the child's pid; callgrind and qemu: the child switches it on
once, right after "g") and writes "g". Module code, calls and output encoding
are counted; the result (plain data, length-prefixed) goes to the pipe the
child inherited from the server. Each repeat is a fresh child.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import contextlib
import errno
import gc
import json
import linecache
import marshal
import os
import select
import shutil
import signal
import socket
import stat
import struct
import sys
import time
import traceback
import types
from pathlib import Path
from typing import Any

from perfcount import errors
from perfcount._util import plain
from perfcount.execute import seccomp
from perfcount.execute.sandbox import (
    CANDIDATE_UID_BASE,
    Limits,
    MemoryCgroup,
    PidsCgroup,
    apply_rlimits,
    candidate_uid,
    drop_capabilities,
    interpreter_readable_by,
    isolate,
    kill_group,
    pid_namespace_unavailable,
)

#: standard modules imported by the server before it forks its zygote: a candidate's
#: ``import`` of one of them is a dictionary lookup, the same cost on every machine and
#: run path, rather than a search of the disk (the modules the shipped references use,
#: and their common neighbours)
PREIMPORTED: tuple[str, ...] = (
    "array",
    "bisect",
    "collections",
    "copy",
    "dataclasses",
    "decimal",
    "fractions",
    "functools",
    "heapq",
    "itertools",
    "math",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "typing",
)

#: the frame header of every protocol message: the body's length, 8 bytes big-endian
HEADER = struct.Struct(">Q")
_INTERPRETER_READABLE = True
#: why the zygote's children share the host's pid namespace ("" when they have one of
#: their own)
_NO_PID_NAMESPACE = ""
#: the candidate process's pid as the host sees it (its own ``getpid`` is its pid in
#: its namespace): its uid and the tag of its qemu record come from it
_HOST_PID = 0
_PR_GET_NO_NEW_PRIVS = 39  # prctl(2): a read-only option the rehearsal calls through ffi
#: exit code of a child whose candidate closed or replaced the result channel
EXIT_CHANNEL_GONE = 72
CANDIDATE_FILE = "<candidate>"


# -- framing -------------------------------------------------------------------
def write_message(fd: int, message: dict[str, Any]) -> None:
    data = json.dumps(message, separators=(",", ":"), allow_nan=False).encode()
    _write_all(fd, HEADER.pack(len(data)) + data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_message(fd: int) -> dict[str, Any] | None:
    head = _read_exact(fd, HEADER.size)
    if head is None:
        return None
    (size,) = HEADER.unpack(head)
    body = _read_exact(fd, size)
    if body is None:
        return None
    return json.loads(body)


# -- server --------------------------------------------------------------------
_STARTED = struct.Struct(">q")  # zygote -> server: child pid (+ its result and start pipes)
_EXITED = struct.Struct(">qqqdd")  # pid, wait status, max rss (KiB), user s, system s


class ZygoteDied(Exception):
    """The zygote went away (a candidate killed its parent)."""


class Server:
    """Protocol loop, limits and bookkeeping; the forking is done by a zygote.

    Callgrind counts depend a little on the allocator state a child inherits,
    and the server's own heap changes with every request it handles. So the
    server forks a *zygote* once, right after start-up; the zygote does nothing
    but fork on a one-byte "go", pass the new child's result pipe to the server
    (SCM_RIGHTS) and reap it — the same allocations every round, so every
    child starts from the same state. The child reads its request from a
    memfd the server rewrites before each fork (no path a candidate could
    replace). Identical candidates then give identical counts.

    Nothing of a candidate is a file on the host: its request is a memfd, its
    stdout and stderr a pipe, its work folder a tmpfs of its own (mounted on an
    empty folder the server creates 0700 with ``O_EXCL`` semantics, ``mkdir``),
    and valgrind's logs go to a descriptor of the runner's (``--log-fd``).
    """

    def __init__(
        self,
        work_root: Path,
        cgroup: Path | None,
        memory_cgroup: Path | None = None,
        *,
        qemu: bool = False,
    ) -> None:
        self.work_root = work_root
        #: runs under qemu-user with perfcount's counting plugin: children arm it
        self.qemu = qemu
        self.cgroup = cgroup
        self.memory_cgroup = memory_cgroup
        # the request travels in a memfd: no path that anything could replace or link
        self.request_fd = os.memfd_create("perfcount-request", os.MFD_CLOEXEC)
        # the protocol pipes move to private fds; 0 and 1 become harmless
        self.req = os.dup(0)
        self.resp = os.dup(1)
        os.set_inheritable(self.req, False)
        os.set_inheritable(self.resp, False)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(2, 1)
        os.close(devnull)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.valgrind = 0
        with contextlib.suppress(ImportError):
            from perfcount import _native

            self.valgrind = _native.running_on_valgrind()
        global _INTERPRETER_READABLE
        # computed once, before the zygote forks: children inherit the answer
        _INTERPRETER_READABLE = interpreter_readable_by(CANDIDATE_UID_BASE)
        # nothing of a candidate is written here: callgrind's dumps go to /dev/null (the
        # count is read from valgrind's own log, which valgrind writes as root) and the
        # candidate's work folder is a tmpfs of its own; it may only pass through
        os.chmod(work_root, 0o711)
        # pre-import what every child needs, so children start identical and cheap
        import ctypes  # noqa: F401 - used by sandbox.isolate in every child

        seccomp.available()  # libseccomp is loaded once, here, not in every child

        import perfcount.counters.backends

        with contextlib.suppress(ImportError):
            import perfcount._native
            import perfcount.counters.events  # noqa: F401
        if qemu:
            from perfcount.counters import qemu as qemu_counting

            qemu_counting.prepare_arm()  # resolved once here: a child's arm is one syscall
        _prepare_imports()
        _rehearse()

        self.go_r, self.go_w = os.pipe()
        self.sock, zsock = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        gc.collect()
        self.zygote = os.fork()
        if self.zygote == 0:  # pragma: no cover - runs in the zygote
            try:
                for fd in (self.req, self.resp, self.go_w, self.sock.fileno()):
                    os.close(fd)
                zygote_main(self.go_r, zsock, self.request_fd)
            finally:
                os._exit(0)
        os.close(self.go_r)
        zsock.close()
        # two throw-away rounds bring the zygote's allocator to its steady state
        for _ in range(2):
            self._write_request({"op": "noop"})
            _pid, r, gw, o = self._fork()
            for fd in (r, gw, o):
                os.close(fd)
            self._exited()
        # what belongs to the server itself (the runner's server.log); anything else
        # that shows up in the folder is removed, never read
        self._own_files = {p.name for p in work_root.iterdir()}

    def _write_request(self, req: dict[str, Any]) -> None:
        """Put ``req`` in the request memfd; the zygote forks only after this returns."""
        data = json.dumps(req, separators=(",", ":"), allow_nan=False).encode()
        os.ftruncate(self.request_fd, 0)
        view = memoryview(data)
        offset = 0
        while offset < len(data):
            offset += os.pwrite(self.request_fd, view[offset:], offset)

    def _fork(self) -> tuple[int, int, int, int]:
        """Have the zygote fork a child: its pid, the read end of its result pipe, the
        write end of its start pipe and the read end of its stdout/stderr pipe."""
        try:
            os.write(self.go_w, b"g")
            msg, fds, _flags, _addr = socket.recv_fds(self.sock, _STARTED.size, 3)
        except OSError as exc:
            raise ZygoteDied(str(exc)) from exc
        if len(msg) != _STARTED.size or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            raise ZygoteDied("the zygote went away")
        return _STARTED.unpack(msg)[0], fds[0], fds[1], fds[2]

    def _exited(self) -> tuple[int, int, int, float, float]:
        data = b""
        while len(data) < _EXITED.size:
            chunk = self.sock.recv(_EXITED.size - len(data))
            if not chunk:
                raise ZygoteDied("the zygote went away")
            data += chunk
        return _EXITED.unpack(data)

    def serve(self) -> None:
        write_message(
            self.resp,
            {
                "event": "hello",
                "pid": os.getpid(),
                "zygote": self.zygote,
                "valgrind": self.valgrind,
                "python": sys.version.split()[0],
                "hashseed": os.environ.get("PYTHONHASHSEED"),
            },
        )
        while True:
            msg = read_message(self.req)
            if msg is None or msg.get("op") == "exit":
                return
            if msg.get("op") == "ping":
                write_message(self.resp, {"event": "pong"})
                continue
            if msg.get("op") != "run":
                write_message(
                    self.resp, {"event": "error", "error": f"unknown op {msg.get('op')!r}"}
                )
                continue
            if not self.run(msg):
                return  # the zygote is gone: exit, the runner starts a fresh server

    def _sweep_candidate_files(self) -> list[str]:
        """Remove (and return the names of) what is not the server's own in its folder.

        Nothing of a candidate is expected here (its work folder is removed after
        each run); whatever else appears (planted by a process that could write
        here) is removed without following a link or opening a FIFO.
        """
        gone = []
        for name in os.listdir(self.work_root):
            if name not in self._own_files:
                gone.append(name)
                _remove(self.work_root / name)
        return gone

    def run(self, req: dict[str, Any]) -> bool:
        limits = Limits(**req["limits"])
        rid = f"{int(req['id']):012d}"  # fixed width: paths the child sees keep their length
        self._sweep_candidate_files()
        profile = req.get("mode") == "profile"
        spec = req.get("backend") or {}
        repeats = max(1, int(spec.get("repeats") or 1)) if profile else 1
        workdir = self.work_root / f"w{rid}"
        cg_path: Path | None = None
        cg_error = None
        if self.cgroup is not None:
            cg_path = self.cgroup / f"c{rid}"
            try:
                PidsCgroup.make_child(cg_path, limits.pids)
            except OSError as exc:
                cg_error = f"cannot create {cg_path}: {exc}"
                cg_path = None
        mem_path: Path | None = None
        if self.memory_cgroup is not None:
            mem_path = self.memory_cgroup / f"c{rid}"
            try:
                MemoryCgroup.make_child(mem_path, limits.memory_mb)
            except OSError as exc:
                cg_error = f"cannot create {mem_path}: {exc}"
                mem_path = None
        # a child profiled under qemu or valgrind is moved into its cgroups from out here,
        # while it sets itself up: moving a process takes the kernel's
        # cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period unless
        # another move came shortly before (measured: 13-20 ms for a child under qemu). It
        # runs no candidate code before "go". Their counts are user-space instructions; a
        # time-based count (perf, software) includes the kernel's charging of pages to the
        # memory cgroup, so those children join before their set-up, as the count's start
        # then finds them (a server-side move coincided with a trivial candidate's
        # task-clock rising from ~54 to ~245 us in test_crash_safety, 2 of 6 CI runs).
        moved_here = profile and (self.qemu or self.valgrind)
        req = dict(
            req,
            # fixed width: what the child parses before its count must not vary with the
            # request's number or limits (a 2-digit id moved counts by 10 instructions)
            id=rid,
            limits=limits.to_wire(),
            workdir=str(workdir),
            cgroup="" if moved_here else str(cg_path or ""),
            memcg="" if moved_here else str(mem_path or ""),
            valgrind=1 if self.valgrind else 0,
            qemu=1 if self.qemu else 0,
        )
        self._write_request(req)
        counter = None
        if profile and not self.valgrind and not self.qemu:
            counter = _Counter(spec)  # perf/software: the server opens the group
        alive = True
        runs: list[dict[str, Any]] = []
        first_outputs: Any = None
        done: dict[str, Any] = {}
        for repeat in range(repeats):
            try:
                _make_workdir(workdir)
            except OSError as exc:
                done = {
                    "event": "done",
                    "pid": None,
                    "server_died": f"cannot create the work folder {workdir}: {exc}",
                }
                break
            start = time.monotonic()
            try:
                pid, r, gw, o = self._fork()
            except ZygoteDied as exc:
                done = {"event": "done", "pid": None, "server_died": str(exc)}
                alive = False
                break
            if moved_here:
                cg_error = _move_into(pid, (cg_path, mem_path)) or cg_error
            if repeat == 0:
                write_message(
                    self.resp,
                    {"event": "started", "pid": pid, "cgroup": str(cg_path) if cg_path else None},
                )
            try:
                done = self._wait(pid, r, gw, o, limits, start, cg_path, counter)
            except ZygoteDied:
                self._kill_everything(pid, cg_path)
                done = {
                    "event": "done",
                    "pid": pid,
                    "server_died": "the fork server died while the candidate ran (its zygote "
                    "was killed; did the candidate kill its parent?)",
                }
                alive = False
            finally:
                for fd in (r, gw, o):
                    os.close(fd)
            _remove(workdir)
            if not profile:
                break
            run = {
                "pid": pid,
                # what valgrind's log lines carry: the pid in the candidate's namespace
                "ns_pid": done.pop("ns_pid", None),
                "values": done.pop("values", None),
                "cpu_s": done.get("cpu_s"),
                "elapsed_ns": done.get("elapsed_ns"),
            }
            result = done.get("result")
            outputs = result.get("outputs") if isinstance(result, dict) else None
            if repeat == 0:
                first_outputs = outputs
            elif outputs != first_outputs:
                run["different_outputs"] = True
            runs.append(run)
            if not alive or not _clean(done) or run.get("different_outputs"):
                break
        if profile:
            done["runs"] = runs
        done["cgroup_error"] = cg_error
        if mem_path is not None:
            done["oom_killed"] = MemoryCgroup.oom_killed(mem_path)
            MemoryCgroup.remove(mem_path)
        if cg_path is not None:
            PidsCgroup.remove(cg_path)
        write_message(self.resp, done)
        return alive

    def _wait(
        self,
        pid: int,
        r: int,
        gw: int,
        o: int,
        limits: Limits,
        start: float,
        cg_path: Path | None,
        counter: _Counter | None,
    ) -> dict[str, Any]:
        max_bytes = limits.output_mb << 20
        output = _Output(limits.file_mb << 20)
        data = bytearray()
        deadline = start + limits.timeout
        timed_out = too_large = False
        term_sent_at: float | None = None
        status: tuple[int, int, int, float, float] | None = None
        left: list[int] = []
        eof = False
        # a profiled child says "R" once it is set up and its candidate compiled; the count
        # starts (from out here) before it is told to go on
        waiting_ready = True
        ns_pid: int | None = None
        attached = False
        count_error = None
        values: dict[str, Any] | None = None
        whole = False  # the length-prefixed result is complete
        zfd = self.sock.fileno()
        os.set_blocking(r, False)
        os.set_blocking(o, False)
        while status is None or not eof:
            now = time.monotonic()
            if status is None and not timed_out and now >= deadline:
                timed_out = True
                term_sent_at = now
                kill_group(pid, signal.SIGTERM)
                # SIGTERM only reaches the group; grandchildren in other sessions
                # are caught by the cgroup kill below
            if term_sent_at is not None and status is None and now >= term_sent_at + limits.grace:
                self._kill_everything(pid, cg_path)
                term_sent_at = None
            if status is not None and not eof:
                # the child is gone but someone (a grandchild) holds the pipe open
                self._kill_everything(pid, cg_path)
            if (too_large or output.over) and status is None:
                self._kill_everything(pid, cg_path)
            if (timed_out and term_sent_at is None) or status is not None:
                wait_for = 0.05
            elif term_sent_at is not None:
                wait_for = max(0.0, term_sent_at + limits.grace - now)
            else:
                wait_for = max(0.0, deadline - now)
            fds = [] if eof else [r]
            if status is None:
                fds.append(zfd)
            if not output.eof:
                fds.append(o)
            ready, _, _ = select.select(fds, [], [], wait_for)
            if o in ready:
                # read as it comes: a candidate that fills the pipe never blocks for long
                output.read(o)
            if r in ready and not eof:
                try:
                    while True:
                        chunk = os.read(r, 1 << 20)
                        if not chunk:
                            eof = True
                            break
                        if waiting_ready:
                            waiting_ready = False
                            if chunk[:1] == b"R":
                                chunk = chunk[1:]
                                if self.valgrind:  # only valgrind's logs carry it
                                    ns_pid = _ns_pid(pid)  # alive: it waits for "go"
                                count_error = self._go(pid, gw, counter)
                                attached = count_error is None
                        if not too_large:
                            data += chunk
                            if len(data) > max_bytes:
                                too_large = True
                                data = bytearray()
                except BlockingIOError:
                    pass
                if not whole and not too_large and _whole(data):
                    whole = True
                    if counter is not None and attached:
                        # the count ends with the result: the process's exit (freeing its
                        # memory: kernel time that only adds noise) is not the candidate's work
                        values = counter.read()
                    with contextlib.suppress(OSError):
                        os.write(gw, b"e")
            if zfd in ready and status is None:
                status = self._exited()
                # the candidate's main process is gone: whatever still runs in its cgroup
                # was left behind to work where no count or limit follows it
                left = _left_behind(cg_path, pid) if cg_path else []
        end = time.monotonic()
        # anything left in the group or cgroup (daemonised grandchildren) dies now: their
        # counts are folded into the candidate's (inherited counters) as they exit
        self._kill_everything(pid, cg_path)
        # what is still in the output pipe; bounded in time: a writer that escaped every
        # kill (no cgroup) must not hold the server
        output.drain(o, time.monotonic() + min(limits.grace, 0.5))
        if values is None and counter is not None and attached:
            values = counter.read()  # no whole result: counted to the end
        _, wstatus, maxrss, utime, stime = status
        result: dict[str, Any] | None = None
        parse_error = None
        if data and not too_large:
            if whole:
                (size,) = HEADER.unpack_from(data)
                result, parse_error = _parse_result(bytes(data[HEADER.size : HEADER.size + size]))
                if parse_error is None and len(data) != HEADER.size + size:
                    result, parse_error = (
                        None,
                        ("the candidate process wrote more than its result to the result channel"),
                    )
            else:
                result, parse_error = _parse_result(bytes(data))
        out = {
            "event": "done",
            "pid": pid,
            "exitcode": os.WEXITSTATUS(wstatus) if os.WIFEXITED(wstatus) else None,
            "signal": os.WTERMSIG(wstatus) if os.WIFSIGNALED(wstatus) else None,
            "timed_out": timed_out,
            "too_large": too_large,
            "stdout_too_large": output.over,
            "stdout": output.tail_text(),
            "stdout_bytes": output.total,
            "result": result,
            "parse_error": parse_error,
            "elapsed_ns": int((end - start) * 1e9),
            "max_rss_kb": maxrss,
            "cpu_s": utime + stime,
            "left_behind": len(left),
            "values": values,
            "ns_pid": ns_pid,
        }
        if count_error:
            out["count_error"] = count_error
        return out

    def _go(self, pid: int, gw: int, counter: _Counter | None) -> str | None:
        """Start counting ``pid`` (perf: a group opened on it here) and let it go on.

        The child is let go only once it sleeps in its read of the start pipe:
        had "go" arrived before it got there, its count would begin somewhere
        else in its code (measured: ~250 instructions of difference under
        callgrind), and the same candidate would not always cost the same.
        """
        _wait_asleep(pid)
        error = None
        if counter is not None:
            try:
                counter.attach(pid)
            except Exception as exc:  # reported as the measurement's failure
                error = f"cannot count the candidate: {exc}"
        with contextlib.suppress(OSError):
            os.write(gw, b"g" if error is None else b"x")
        return error

    @staticmethod
    def _kill_everything(pid: int, cg_path: Path | None) -> None:
        kill_group(pid, signal.SIGKILL)
        if cg_path is not None:
            PidsCgroup.kill_all(cg_path, deadline=2.0)


def _whole(data: bytearray) -> bool:
    """Whether ``data`` holds a whole length-prefixed result (and nothing more, yet)."""
    if len(data) < HEADER.size:
        return False
    (size,) = HEADER.unpack_from(data)
    return len(data) >= HEADER.size + size


def _clean(done: dict[str, Any]) -> bool:
    """Whether a run ended as a successful candidate run should (so another repeat may follow)."""
    result = done.get("result")
    return (
        not done.get("timed_out")
        and not done.get("too_large")
        and not done.get("server_died")
        and not done.get("left_behind")
        and not done.get("count_error")
        and done.get("exitcode") == 0
        and isinstance(result, dict)
        and result.get("status") == "ok"
    )


class _Counter:
    """The perf counter group of one profiled child, opened by the server on its pid.

    ``inherit``: every thread and process the candidate starts is counted too.
    No counter descriptor ever exists in the candidate's process, and it is
    enabled before the child is told to go on, so nothing the candidate runs
    (module code, calls, encoding, exit) is outside the count.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        from perfcount.counters.events import parse_events

        self.events = parse_events(spec.get("events") or [])
        self.names = [e.name for e in self.events]
        self.native = [e.native() for e in self.events]
        self.group: Any = None

    def attach(self, pid: int) -> None:
        from perfcount import _native

        self.group = _native.Group(
            list(self.native), pid=pid, inherit=True, start_enabled=True, rdpmc=False
        )

    def read(self) -> dict[str, Any] | None:
        group, self.group = self.group, None
        if group is None:
            return None
        try:
            values, enabled, running = group.read()
        finally:
            group.close()
        out: dict[str, float] = {}
        scaled: list[str] = []
        not_counted: list[str] = []
        for name, v, en, ru in zip(self.names, values, enabled, running):
            if ru == 0:
                not_counted.append(name)
                continue
            if ru < en:
                scaled.append(name)
                out[name] = float(v) * en / ru
            else:
                out[name] = float(v)
        return {"values": out, "scaled": scaled, "not_counted": not_counted}


def _wait_asleep(pid: int, limit: float = 2.0) -> None:
    """Wait (up to ``limit`` seconds) until process ``pid`` sleeps (state S) in a system call."""
    deadline = time.monotonic() + limit
    path = f"/proc/{pid}/stat"
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                state = f.read().rsplit(b")", 1)[-1].split()[:1]
        except OSError:
            return  # gone: its exit is handled by the caller
        if state == [b"S"]:
            return
        time.sleep(0.0005)


def _left_behind(cg_path: Path, pid: int, settle: float = 0.2) -> list[int]:
    """Live processes of a candidate's cgroup once its main process ``pid`` is gone.

    Children that are just exiting get ``settle`` seconds to become zombies
    (which do not count: nothing runs in them).
    """
    deadline = time.monotonic() + settle
    while True:
        left = [p for p in PidsCgroup.pids(cg_path) if p != pid and _running(p)]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.01)


def _move_into(pid: int, cgroups: tuple[Path | None, ...]) -> str | None:
    """Move the child ``pid`` into each cgroup folder given; why not, for the first that failed.

    A child that is already gone (its set-up failed) is no failure: it is reaped as usual.
    """
    for path in cgroups:
        if path is None:
            continue
        try:
            (path / "cgroup.procs").write_text(str(pid))
        except ProcessLookupError:
            return None
        except OSError as exc:
            return f"cannot move the candidate into {path}: {exc}"
    return None


def _ns_pid(pid: int) -> int | None:
    """The pid the process ``pid`` has in its own (innermost) pid namespace (``NSpid``)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return None


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not a zombie waiting to be reaped, not gone)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # "pid (comm) S ...": the state follows the last ')' (comm may contain spaces and parens)
    return stat_line.rsplit(")", 1)[-1].split()[:1] != ["Z"]


#: bytes of a candidate's stdout/stderr kept (its tail), as the result's ``stdout``
STDOUT_TAIL = 4096


class _Output:
    """A candidate's stdout and stderr, read from their pipe: the tail and the total.

    Past ``limit`` bytes (``file_mb``; 0 = none) :attr:`over` is set and the server
    ends the candidate (``output_too_large``), as ``RLIMIT_FSIZE`` did when the
    output went to a file. Memory stays bounded whatever the candidate prints.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.tail = bytearray()
        self.total = 0
        self.over = False
        self.eof = False

    def read(self, fd: int) -> None:
        """Read what the pipe holds now (non-blocking ``fd``)."""
        try:
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    self.eof = True
                    return
                self.total += len(chunk)
                self.tail += chunk
                del self.tail[:-STDOUT_TAIL]
                if self.limit and self.total > self.limit:
                    self.over = True
        except BlockingIOError:
            return
        except OSError:
            self.eof = True

    def drain(self, fd: int, deadline: float) -> None:
        """Read until end of file or ``deadline``."""
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                self.read(fd)

    def tail_text(self) -> str:
        text = bytes(self.tail).decode("utf-8", "replace")
        return ("..." + text) if self.total > STDOUT_TAIL else text


def _remove(path: Path) -> None:
    """Remove ``path`` whatever it is, following no link and opening no FIFO.

    A folder that is a real folder goes with :func:`shutil.rmtree` (which walks by
    descriptor and does not follow links inside); a link, FIFO, socket or file
    is unlinked itself.
    """
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _make_workdir(path: Path) -> None:
    """Create the (empty, 0700, root's) folder a child mounts its tmpfs work folder on.

    ``mkdir`` never follows a link and fails on any existing name: whatever was put
    there (a link, FIFO or folder planted where the next run's folder goes) is
    removed without following it and the folder made again.
    """
    for _ in range(10):
        try:
            os.mkdir(path, 0o700)
            return
        except FileExistsError:
            _remove(path)
    os.mkdir(path, 0o700)


def _prepare_imports() -> None:
    """Make what a candidate's ``import`` costs, and the heap it inherits, independent of the run path.

    The standard modules in :data:`PREIMPORTED` are imported; perfcount's own
    import folder leaves ``sys.path`` (its modules are imported already); the
    finder of every standard-library folder lists that folder now, so that a
    candidate's import looks names up in the same cached listing instead of
    reading directories inside its count. The server runs without ``site``
    (``-S``): here it gets what ``site`` gives a program — ``exit``, ``quit``,
    ``help``, ``copyright`` and the ``site-packages`` folders at the end of
    ``sys.path`` — without listing those folders or running their ``.pth``
    files. Their listings change with every installed package and would be
    part of every child's heap; a candidate that imports an installed package
    lists them inside its own count (``.pth`` paths, such as editable installs,
    are not on a candidate's path).
    """
    import importlib
    import importlib.machinery
    import site

    for name in PREIMPORTED:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    own = str(Path(__file__).resolve().parents[1])
    sys.path[:] = [p for p in sys.path if p and _resolved(os.path.join(p, "perfcount")) != own]
    importlib.machinery.PathFinder.invalidate_caches()
    importlib.machinery.PathFinder.find_spec("_perfcount_no_such_module_")
    if not sys.flags.no_site:
        return  # started with site (not by a Runner): its paths are there already
    site.setquit()
    site.setcopyright()
    site.sethelper()
    for folder in site.getsitepackages():
        if folder not in sys.path:
            sys.path.append(folder)


#: what :func:`_rehearse` runs through the harness: arguments of the plain types
_REHEARSAL_SOURCE = "def _perfcount_rehearsal(*args):\n    return [args, {'n': len(args)}]\n"
_REHEARSAL_INPUTS = [[3, -(2**70), 1.5, "ab", None, True, b"x", [1, 2], {"k": (1, 2)}, {3}]]


def _rehearse() -> None:
    """Run, in the server before it forks its zygote, the code each child runs that leaves
    this process as it was: the harness on a small candidate, the request's parsing, the
    result's encoding, the sandbox's C library calls that only read.

    Under qemu-user a process translates the machine code it runs for the first time in
    its line of processes: a child inherits the translations of its parent, and its own
    die with it. Without this every child translated ~1,900 blocks of the interpreter,
    ``_json``, ``_ctypes`` and the C library before its candidate ran. Elsewhere it costs
    a few milliseconds once. The children inherit what it leaves in the heap, the same
    every time (its garbage is collected before the fork).
    """
    import resource

    from perfcount.execute import sandbox

    libc = sandbox._libc()
    for name in ("mount", "unshare", "prctl", "capset"):
        getattr(libc, name)  # resolved here once: each child inherits the function object
    libc.prctl(_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)  # a call that only reads, through ffi
    sandbox._errno_text()
    sandbox._cap_types()
    sandbox._mounts()
    os.readlink("/proc/self")
    for which in (resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_NOFILE):
        resource.getrlimit(which)
    fd = os.open(os.devnull, os.O_RDONLY)
    spare = os.dup(fd)
    os.dup2(fd, spare)
    os.close(spare)
    os.close(fd)
    code = compile(_REHEARSAL_SOURCE, CANDIDATE_FILE, "exec")
    req = {
        "op": "run",
        "id": f"{0:012d}",
        "mode": "profile",
        "code": base64.b64encode(marshal.dumps(code)).decode("ascii"),
        "entry_point": "_perfcount_rehearsal",
        "inputs": [plain.encode(args) for args in _REHEARSAL_INPUTS],
        "warmup": 0,
        "limits": Limits().to_wire(),
    }
    r, w = os.pipe()
    gr, gw = os.pipe()
    try:
        os.write(gw, b"g")
        parsed = json.loads(json.dumps(req).encode())
        Limits.from_wire(parsed["limits"])  # as child_entry parses them
        result = run_candidate(parsed, w, gr, Limits().instructions)
        data = json.dumps(result, separators=(",", ":"), allow_nan=False).encode()
        _write_all(w, HEADER.pack(len(data)) + data)
        os.read(r, 1 << 20)
        if result.get("status") != "ok":
            raise RuntimeError(f"the fork server's rehearsal failed: {result}")
    finally:
        for end in (r, w, gr, gw):
            os.close(end)


def _resolved(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


# -- zygote --------------------------------------------------------------------
def zygote_main(go: int, sock: socket.socket, request_fd: int) -> None:  # pragma: no cover
    """Fork a child per "go" byte; hand its result, start and output pipes to the server; reap it.

    The loop runs in C (``_native.zygote_loop``): nothing is allocated in the
    interpreter's heap between two forks, so every child inherits the same
    heap. A loop in Python allocates and frees objects every round, and the
    order of the free blocks it leaves can depend on the round: a first
    version of the pid namespaces, with a placeholder forked by ``os.fork``
    each round, made counts alternate by 76 instructions from one candidate to
    the next. Without the native module the loop is Python's
    (:func:`_zygote_loop_python`, fixed-size messages and no parsing).
    """
    global _NO_PID_NAMESPACE
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _NO_PID_NAMESPACE = pid_namespace_unavailable()
    native: Any = None
    with contextlib.suppress(ImportError):
        from perfcount import _native as native
    init = 0  # the placeholder pid 1 of the children's pid namespace
    if native is not None and not _NO_PID_NAMESPACE:
        # one namespace for every child of this zygote, entered once: its candidates run
        # one after the other, and nothing of one is alive when the next starts (the
        # server kills its cgroup), so each sees no process but its own and the
        # namespace's pid 1; candidates of other fork servers, which may run at the same
        # time, are in namespaces of their own (a namespace per child cost 2.7 ms a
        # candidate natively, +17 % for a trivial one). Its pid 1 is forked in C.
        try:
            init = native.enter_pid_namespace()
        except errors.PerfcountError as exc:  # the probe worked a moment ago; say if not now
            _NO_PID_NAMESPACE = exc.message
    gc.disable()
    gc.freeze()
    if native is None or not hasattr(native, "zygote_loop"):  # missing, or an older build
        _zygote_loop_python(go, sock, request_fd)
        if init:
            native.end_pid_namespace(init)
        return
    ends = native.zygote_loop(go, sock.fileno())
    if ends is not None:  # in a child: the loop closed its other descriptors
        sock.detach()
        try:
            child_entry(request_fd, *ends)
        finally:
            os._exit(70)
    if init:
        native.end_pid_namespace(init)


def _zygote_loop_python(go: int, sock: socket.socket, request_fd: int) -> None:  # pragma: no cover
    """The zygote's loop where perfcount's native module is missing or older."""
    read, fork, close, pipe, wait4 = os.read, os.fork, os.close, os.pipe, os.wait4
    started, exited = _STARTED.pack, _EXITED.pack
    send_fds, sendall = socket.send_fds, sock.sendall
    while read(go, 1) == b"g":
        r, w = pipe()
        gr, gw = pipe()
        outr, outw = pipe()
        pid = fork()
        if pid == 0:
            close(r)
            close(gw)
            close(outr)
            close(go)
            fd = sock.detach()
            close(fd)
            try:
                child_entry(request_fd, w, gr, outw)
            finally:
                os._exit(70)
        close(w)
        close(gr)
        close(outw)
        send_fds(sock, [started(pid)], [r, gw, outr])
        close(r)
        close(gw)
        close(outr)
        sendall(_reaped(wait4(pid, 0), exited))
        # nothing of this child's exit (its status, its rusage: ints that are cached small
        # ones or new objects depending on their values) is alive when the next child forks:
        # the heap it inherits must not depend on how the previous candidate ended


def _reaped(waited: tuple[int, int, Any], pack: Any) -> bytes:  # pragma: no cover
    """The zygote's fixed-size exit message of a child, from ``os.wait4``'s answer."""
    pid, status, ru = waited
    return pack(pid, status, ru.ru_maxrss, ru.ru_utime, ru.ru_stime)


# -- child ---------------------------------------------------------------------
def child_entry(request_fd: int, w: int, gr: int, out: int) -> None:  # pragma: no cover
    gc.enable()
    size = os.fstat(request_fd).st_size
    chunks = []
    offset = 0
    while offset < size:
        chunk = os.pread(request_fd, size - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    # the server rewrites it for the next child: never the candidate's to read or write
    os.close(request_fd)
    req = json.loads(b"".join(chunks))
    if req.get("op") == "noop":
        os._exit(0)
    cg = req.get("cgroup")
    child_main(
        req,
        Limits.from_wire(req["limits"]),
        Path(req["workdir"]),
        out,
        Path(cg) if cg else None,
        w,
        gr,
        close=(),
    )


def child_main(
    req: dict[str, Any],
    limits: Limits,
    workdir: Path,
    out: int,
    cg_path: Path | None,
    w: int,
    gr: int,
    close: tuple[int, ...],
) -> None:
    """Runs in the forked child; never returns normally (``os._exit``)."""
    global _HOST_PID
    # Python ignores SIGXFSZ; restore the default so exceeding RLIMIT_FSIZE (a file in
    # the work folder) ends the candidate as output_too_large (stdout/stderr are a pipe
    # the server bounds)
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_DFL)
    for fd in close:
        with contextlib.suppress(OSError):
            os.close(fd)
    os.setsid()
    if cg_path is not None:
        with contextlib.suppress(OSError):
            PidsCgroup.join(cg_path)
    memcg = req.get("memcg")
    if memcg:
        with contextlib.suppress(OSError):
            PidsCgroup.join(Path(memcg))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(devnull)
    os.close(out)
    writable: list[Path] = []
    # the host's /proc, read before the sandbox mounts one of the namespace's own
    _HOST_PID = int(os.readlink("/proc/self"))
    uid = candidate_uid(_HOST_PID) if limits.drop_root and os.geteuid() == 0 else None
    if uid is not None and _NO_PID_NAMESPACE:
        notes_pid = [
            f"no pid namespace ({_NO_PID_NAMESPACE}): live pids can be told from free ones"
        ]
    else:
        notes_pid = []
    # under qemu-user /proc/self/mem reaches the counting plugin's memory: no /proc at all
    notes = notes_pid + isolate(limits, writable, workdir, uid, hide_proc=bool(req.get("qemu")))
    os.chdir(workdir)
    os.environ["HOME"] = str(workdir)
    os.environ["TMPDIR"] = str(workdir)
    if uid is not None:
        os.environ["USER"] = os.environ["LOGNAME"] = f"candidate{uid}"
    apply_rlimits(limits)
    # threads switch where they block, not where the clock says (sandbox.GIL_SWITCH_INTERVAL)
    sys.setswitchinterval(limits.switch_interval)
    # after the namespaces and mounts (they need some of the denied calls), before any
    # candidate code; the harness counts from outside, so a candidate needs no perf_event
    # under callgrind the count is per process: a process the candidate started could
    # work uncounted (or exec a program callgrind does not follow), so it may start none
    # (under qemu-user the plugin installs the same filter when the child arms it: qemu
    # refuses filters from its guest)
    missing = None
    if not req.get("qemu"):
        missing = seccomp.install(deny_perf_events=True, deny_processes=bool(req.get("valgrind")))
    if missing:
        notes.append(f"no seccomp filter ({missing})")
    # the sandbox made the interpreter reachable by mounts where it could; a capability is
    # kept only where that failed (and the note says so)
    still_blocked = (
        uid is not None and not _INTERPRETER_READABLE and not interpreter_readable_by(uid)
    )
    why = drop_capabilities(uid, keep_read=still_blocked)
    if why:
        notes.append(f"privileges kept ({why})")
    channel = os.fstat(w)
    result = run_candidate(req, w, gr, limits.instructions)
    if notes:
        result["sandbox"] = notes
    # the candidate ran in this process: if it closed or replaced the result
    # channel (close/dup2 on its fd), say so through the exit code
    try:
        now = os.fstat(w)
    except OSError:
        os._exit(EXIT_CHANNEL_GONE)
    if (now.st_dev, now.st_ino) != (channel.st_dev, channel.st_ino):
        os._exit(EXIT_CHANNEL_GONE)
    try:
        data = json.dumps(result, separators=(",", ":"), allow_nan=False).encode()
    except MemoryError:
        data = json.dumps(
            {"status": "memory", "error": "MemoryError while encoding the outputs"}
        ).encode()
    except (ValueError, TypeError) as exc:
        data = json.dumps(
            {"status": "failed", "error": f"outputs are not serialisable: {exc}"}
        ).encode()
    with contextlib.suppress(OSError):
        sys.stdout.flush()
        sys.stderr.flush()
    try:
        # length-prefixed: the server knows the result is whole without waiting for EOF
        _write_all(w, HEADER.pack(len(data)) + data)
    except OSError:
        os._exit(71)
    if req.get("mode") == "profile" and not (req.get("valgrind") or req.get("qemu")):
        # the server ends a perf count here (the candidate's outputs exist: nothing after
        # this can change them), then lets the process exit; a closed pipe ends the wait.
        # (callgrind and qemu count to the exit: a wait here would add a read whose path
        # depends on whether "e" came first, the drift the wait for "go" avoids)
        with contextlib.suppress(OSError):
            os.read(gr, 1)
    os._exit(0)


MAX_ERROR_CHARS = 20_000


def _clip(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """``text`` cut to ``limit`` characters (head and tail kept), as valid Unicode.

    Lone surrogates (a candidate's ``"\\ud800"``) become ``?``: printing or
    UTF-8-encoding an error must never raise in the evaluator.
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + f"\n... ({len(text) - limit:,} characters cut) ...\n" + text[-half:]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"a raw {name} (non-finite floats travel tagged)")


def _parse_result(data: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """A child's result, or why it is unreadable: never an exception in the server.

    Raw NaN/Infinity, nesting deep enough for a RecursionError, anything but an
    object, malformed plain data in the outputs: all are the candidate's
    failure, reported as such, and the server stays up.
    """
    try:
        result = json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, _clip(f"the candidate process sent an unreadable result ({exc})", 2000)
    if not isinstance(result, dict):
        return None, "the candidate process sent a result that is not an object"
    try:
        plain.validate(result.get("outputs") or [])
        for key in ("error", "status"):
            if key in result and not isinstance(result[key], str):
                raise plain.UnsupportedValue(f"{key!r} is not text")
        if "error" in result:
            result["error"] = _clip(result["error"])
    except plain.UnsupportedValue as exc:
        return None, _clip(f"the candidate process sent malformed outputs ({exc})", 2000)
    return result, None


def _error(
    status: str, exc: BaseException | None = None, message: str = "", index: int | None = None
) -> dict[str, Any]:
    text = message
    if exc is not None:
        tb = exc.__traceback__
        # drop the harness's own frames: start at the candidate's code
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        lines = traceback.format_exception(type(exc), exc, tb)
        formatted = "".join(lines)
        if len(formatted) > 20_000:
            formatted = formatted[:10_000] + "\n...\n" + formatted[-10_000:]
        text = f"{message}\n{formatted}" if message else formatted
    # the message itself may be huge too (a 40 MB exception class name, a sys.exit value)
    out: dict[str, Any] = {"status": status, "error": _clip(text.strip())}
    if index is not None:
        out["index"] = index
    return out


def _classify(exc: BaseException, index: int | None, where: str) -> dict[str, Any]:
    if isinstance(exc, MemoryError):
        return _error("memory", exc, f"MemoryError {where}", index)
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return _error(
            "output_too_large", exc, f"file size limit (RLIMIT_FSIZE) exceeded {where}", index
        )
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _error(
            "output_too_large", exc, f"the candidate's work folder (a tmpfs) is full {where}", index
        )
    if isinstance(exc, SystemExit):
        return _error("failed", exc, f"the candidate called sys.exit({exc.code!r}) {where}", index)
    return _error("failed", exc, f"{type(exc).__name__} {where}", index)


def compile_candidate(source: str) -> Any:
    """The candidate's module code object, compiled the same way on every path.

    ``dont_inherit``: the candidate gets no ``__future__`` flag of this module's
    (``annotations`` would otherwise turn its annotations into strings).
    """
    return compile(source, CANDIDATE_FILE, "exec", dont_inherit=True)


#: a profile request's code: at most this many bytes of marshal data (base64 in the request)
MAX_CODE_BYTES = 256 << 20


def load_code(encoded: Any) -> Any:
    """A code object from a profile request's ``code`` (base64 of ``marshal.dumps``).

    Raises ``ValueError`` for anything else: the runner compiled it in a sandboxed
    child of the native server (:func:`compile_candidate`), so a bad one is a harness
    fault, never the candidate's status.
    """
    if not isinstance(encoded, str) or len(encoded) > MAX_CODE_BYTES // 3 * 4 + 4:
        raise ValueError("the request's code is not a base64 string of a bounded size")
    try:
        code = marshal.loads(base64.b64decode(encoded, validate=True))
    except (ValueError, EOFError, TypeError, binascii.Error) as exc:
        raise ValueError(f"the request's code does not load ({exc})") from exc
    if type(code) is not types.CodeType or code.co_filename != CANDIDATE_FILE:
        raise ValueError("the request's code is not a candidate's module code")
    return code


def run_candidate(req: dict[str, Any], w: int, gr: int, budget: int) -> dict[str, Any]:
    """Compile (or load) and run the candidate; the JSON-ready result of this child.

    ``compile``: the source is compiled and its code object returned
    (``marshal``, base64) for a profile request; nothing of the candidate runs.
    ``check``: module code, then the calls. ``profile``: the code compiled by a
    ``compile`` child is loaded and the inputs decoded first, then the child
    tells the server it is ready ("R" on ``w``) and waits for "g" on ``gr``; the
    server starts the count in between, so module code, calls, output encoding
    and exit are all counted and compiling is not. Under qemu the arm marker
    carries the instruction ``budget`` (:attr:`Limits.instructions`).

    A profile child never holds the candidate's source: compiling it here left
    the source's text, its lines and the compiler's garbage in the heap the
    count starts from, and a comment's length moved the count (measured: -24 to
    +177 instructions for the same code with a longer comment). The code object
    is all of the candidate a profile child holds before its count, and a
    comment does not change it (tracebacks get their source lines from the
    runner, which has the source).
    """
    entry: str = req["entry_point"]
    mode: str = req["mode"]
    if mode == "profile":
        try:
            code = load_code(req.get("code"))
        except ValueError as exc:
            return _error("crashed", message=f"the harness could not load the candidate: {exc}")
    else:
        source: str = req["source"]
        try:
            code = compile_candidate(source)
        except BaseException as exc:
            return _error("failed", exc, "the candidate does not compile")
        if mode == "compile":
            return {"status": "ok", "code": base64.b64encode(marshal.dumps(code)).decode("ascii")}
        linecache.cache[CANDIDATE_FILE] = (
            len(source),
            None,
            source.splitlines(True),
            CANDIDATE_FILE,
        )
    encoded_inputs = req["inputs"]
    ns: dict[str, Any] = {"__name__": "__candidate__", "__builtins__": builtins}
    fn: Any = None

    def fresh() -> list[tuple[Any, ...]]:
        out = []
        for args in encoded_inputs:
            decoded = plain.decode(args)
            out.append(tuple(decoded) if isinstance(decoded, (list, tuple)) else (decoded,))
        return out

    if mode == "check":
        try:
            exec(code, ns)
        except BaseException as exc:
            return _classify(exc, None, "while running the candidate's module code")
        fn = ns.get(entry)
        if fn is None or not callable(fn):
            return _missing_entry(entry, ns)
        outputs: list[Any] = []
        for i, args in enumerate(fresh()):
            try:
                value = fn(*args)
            except BaseException as exc:
                return _classify(exc, i, f"on test input {i}")
            try:
                outputs.append(plain.encode(value))
            except plain.UnsupportedValue as exc:
                return _error("failed", message=f"test input {i}: the return value {exc}", index=i)
            except MemoryError as exc:
                return _classify(exc, i, f"encoding the output of test input {i}")
        return {"status": "ok", "outputs": outputs}

    # -- profile: counted from outside, from "go" to the whole result (perf/software) or
    # to this process's exit (callgrind, qemu) --
    calls = fresh()  # decoded before the count starts
    warmup = int(req.get("warmup", 0))
    module_done = False
    if warmup:
        # opt-in (never used by evaluations): module code and warm-up runs before the
        # count; whatever they leave in this process carries into the counted run
        try:
            exec(code, ns)
            module_done = True
            fn = ns.get(entry)
            if fn is None or not callable(fn):
                return _missing_entry(entry, ns)
            for _ in range(warmup):
                for args in fresh():
                    fn(*args)
        except BaseException as exc:
            return _classify(exc, None, "during warm-up")
    gc.collect()
    os.write(w, b"R")
    go = os.read(gr, 1)
    if go != b"g":
        return _error("crashed", message="the harness could not start counting this candidate")
    if req.get("valgrind"):
        from perfcount import _native

        if (req.get("backend") or {}).get("name") == "cachegrind":
            _native.cachegrind_begin_candidate()
        else:
            _native.callgrind_begin_candidate()
    elif req.get("qemu"):
        from perfcount.counters.qemu import arm

        # the plugin counts this process (and what it forks) from here, once, and stops
        # any of them whose count goes over the budget
        arm(_HOST_PID, budget)
    if not module_done:
        try:
            exec(code, ns)
        except BaseException as exc:
            return _classify(exc, None, "while running the candidate's module code")
        fn = ns.get(entry)
    if fn is None or not callable(fn):
        return _missing_entry(entry, ns)
    # nothing here reads a clock or another varying value: the result's bytes (and so
    # the cost of encoding them) must be the same for the same candidate and inputs
    results: list[Any] = []
    append = results.append
    i = -1
    try:
        for i, args in enumerate(calls):  # noqa: B007 - i reports the failing input
            append(fn(*args))
    except BaseException as exc:
        return _classify(exc, i, f"on input {i}")
    del calls
    try:
        outputs = [plain.encode(v) for v in results]
    except plain.UnsupportedValue as exc:
        return _error("failed", message=f"the return value {exc}")
    except MemoryError as exc:
        return _classify(exc, None, "encoding the outputs")
    return {"status": "ok", "outputs": outputs}


def _missing_entry(entry: str, ns: dict[str, Any]) -> dict[str, Any]:
    defined = sorted(k for k, v in ns.items() if callable(v) and not k.startswith("__"))
    return _error(
        "failed",
        message=f"entry point {entry!r} is not defined by the candidate (it defines: "
        f"{', '.join(defined) or 'nothing callable'})",
    )


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    work_root = Path(args[0])
    cgroup = Path(args[1]) if len(args) > 1 and args[1] else None
    memory_cgroup = Path(args[2]) if len(args) > 2 and args[2] else None
    qemu = len(args) > 3 and args[3] == "qemu"
    Server(work_root, cgroup, memory_cgroup, qemu=qemu).serve()


if __name__ == "__main__":
    main()
