"""Isolated execution of untrusted candidates: ``Runner``, ``profile()``, ``check()``.

A candidate is Python source text, an entry point and a workload (a list of
argument lists). A :class:`Runner` owns a fork server (``perfcount.execute.server``,
started once, lazily) that forks one fresh, sandboxed child per candidate and
repeat, and counts its whole life from outside it: module code, calls, output
encoding (see the server's docstring and SECURITY.md, "How a count is taken");
compilation and input decoding are not counted, and the harness's own share (an
empty candidate measured the same way, once per server) is subtracted. Outputs
return as plain data (:mod:`perfcount._util.plain`) over a channel the
evaluator owns, and are compared there; candidate objects never reach the
evaluator.

Every outcome is a status, never an exception from the candidate: ``ok``,
``failed``, ``timeout``, ``memory``, ``crashed``, ``output_too_large``. The
runner survives candidates that kill their fork server (it is restarted
transparently) and contains fork bombs (cgroup v1 ``pids``, see
:mod:`perfcount.execute.sandbox`).

Each candidate runs (when the evaluator is root) in new ipc/uts/net/mount
namespaces with a read-only filesystem except its own tmpfs folder, as a uid
of its own without capabilities, in pids and memory cgroups
(:mod:`perfcount.execute.sandbox`; SECURITY.md has the whole model). A
candidate that tampers with its count is ``failed`` ("the count cannot be
trusted"): callgrind client requests, a re-armed qemu plugin, a forged record,
a closed or replaced result channel, a malformed result.

Timeouts are given in native seconds; the valgrind backend multiplies them by
:data:`perfcount.execute.sandbox.VALGRIND_TIMEOUT_FACTOR` (50). ``memory_mb`` is an
``RLIMIT_AS`` limit on the candidate process (default 4096 MiB, 0 = none),
counted on top of what the process maps when the candidate starts: under
valgrind, RLIMIT_AS covers valgrind's own mappings as well (~100 MiB more than
a native child), so a plain limit would leave the candidate less room there.
Measured: a 20 GB allocation under ``memory_mb=512`` raises ``MemoryError``
natively and under callgrind, and 230 MiB fit under ``memory_mb=256`` in both.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import hashlib
import itertools
import logging
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from perfcount._util import plain
from perfcount.counters import callgrind
from perfcount.counters import qemu as qemu_counting
from perfcount.counters.backends import Backend, cachegrind
from perfcount.counters.backends import select as select_backend
from perfcount.counters.backends.valgrind import log_pid
from perfcount.errors import BackendError, CandidateError, InvalidArgument, PerfcountError
from perfcount.execute.candidate import (
    STATUSES,
    Check,
    Failure,
    Profile,
    RunnerBase,
    classify,
    failed_tests,
    require_instruction_metric,
)
from perfcount.execute.sandbox import (
    DEFAULT_TIMEOUT,
    GIL_SWITCH_INTERVAL,
    NO_BUDGET,
    Limits,
    MemoryCgroup,
    PidsCgroup,
    kill_group,
)
from perfcount.execute.server import HEADER, write_message

__all__ = ["STATUSES", "Check", "Failure", "Profile", "Runner", "check", "profile"]

log = logging.getLogger("perfcount.execute.runner")

_SERVER_START_TIMEOUT = 120.0  # valgrind start-up on a loaded 2-core machine
_SHOWN_INPUT = 120  # characters of a failing input shown in a Check
_CODES_KEPT = 32  # compiled sources a runner keeps (a profile of the same source again)


# -- fork-server handle -----------------------------------------------------------
class _ServerDied(Exception):
    pass


#: how a fork server starts: like ``python -m perfcount.execute.server``, but without
#: the working directory (a per-runner temporary folder) on ``sys.path``: its name is
#: random, and the import system's caches keyed by it made candidates' counts drift
#: from one runner to the next
_SERVER_MAIN = (
    "import sys; del sys.path[0]; import runpy; "
    "runpy.run_module('perfcount.execute.server', run_name='__main__', alter_sys=True)"
)


class _Server:
    """One running ``perfcount.execute.server`` process and its pipes."""

    def __init__(
        self,
        kind: str,
        root: Path,
        cgroup: Path | None,
        env: dict[str, str],
        memory_cgroup: Path | None = None,
    ) -> None:
        self.kind = kind
        self.work_root = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=root))
        argv = [
            sys.executable,
            # no site: site.py lists site-packages (and runs .pth files) at start-up, and
            # that listing, which changes with every `pip install`, moved every count;
            # the server adds what site would have given candidates (server.py)
            "-S",
            "-c",
            _SERVER_MAIN,
            str(self.work_root),
            str(cgroup or ""),
            str(memory_cgroup or ""),
            kind,
        ]
        pass_fds: tuple[int, ...] = ()
        key_fd = -1
        #: the qemu plugin's report channel (authenticated records, one per process)
        self.channel: qemu_counting.Channel | None = None
        #: valgrind's log of every process of the server (a memfd: no file a candidate
        #: could plant, link or block; valgrind writes it through a descriptor no
        #: candidate can use), emptied after every request
        self.vg_log: int | None = None
        if kind == "valgrind":
            self.vg_log = os.memfd_create("perfcount-valgrind-log", os.MFD_CLOEXEC)
            pass_fds = (self.vg_log,)
            argv = callgrind.server_argv(self.work_root, argv, log_fd=self.vg_log)
        elif kind == "cachegrind":
            self.vg_log = os.memfd_create("perfcount-valgrind-log", os.MFD_CLOEXEC)
            pass_fds = (self.vg_log,)
            argv = cachegrind.server_argv(self.work_root, argv, log_fd=self.vg_log)
        elif kind == "qemu":
            self.channel = qemu_counting.Channel(self.work_root)
            key_fd = self.channel.key_fd()
            pass_fds = (self.channel.write_fd, key_fd)
            program, guest = qemu_counting.resolve_program(argv)
            argv = qemu_counting.qemu_argv(
                self.channel, key_fd, program, guest, arm_start=False, env=env
            )
            env = qemu_counting.guest_env(env)
        #: what an empty candidate costs, per backend spec (the harness's share of a count)
        self.overhead: dict[str, dict[str, float]] = {}
        self.log_path = self.work_root / "server.log"
        with open(self.log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=logf,
                env=env,
                cwd=self.work_root,
                start_new_session=True,
                close_fds=True,
                pass_fds=pass_fds,
            )
        if key_fd >= 0:
            os.close(key_fd)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        self._buf = bytearray()
        try:
            hello = self.recv(time.monotonic() + _SERVER_START_TIMEOUT)
        except (_ServerDied, TimeoutError) as exc:
            self.kill()
            raise BackendError(
                f"the {kind} fork server did not start ({exc}); its log says: {self.log_tail()}",
                hint="check that `python -m perfcount.execute.server` imports"
                + (" and valgrind runs" if kind == "valgrind" else ""),
            ) from exc
        self.pid = int(hello["pid"])
        #: the server's own processes (their valgrind log lines are not a candidate's)
        self._own_pids = {self.pid, int(hello.get("zygote") or 0)}
        if kind in ("valgrind", "cachegrind") and not hello.get("valgrind"):
            self.kill()
            raise BackendError(f"the {kind} fork server is not running under valgrind")
        self._vg_new()  # start-up (the zygote's throw-away children): not a candidate's

    def log_tail(self, n: int = 600) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip()
        except OSError:
            return ""
        return text[-n:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, message: dict[str, Any]) -> None:
        try:
            write_message(self._in, message)
        except (BrokenPipeError, OSError) as exc:
            raise _ServerDied(str(exc)) from exc

    def recv(self, deadline: float) -> dict[str, Any]:
        """Next message; ``_ServerDied`` on EOF, ``TimeoutError`` past ``deadline``."""
        import json

        while True:
            if len(self._buf) >= HEADER.size:
                (size,) = HEADER.unpack(self._buf[: HEADER.size])
                if len(self._buf) >= HEADER.size + size:
                    body = bytes(self._buf[HEADER.size : HEADER.size + size])
                    del self._buf[: HEADER.size + size]
                    return json.loads(body)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from the fork server in time")
            ready, _, _ = select.select([self._out], [], [], remaining)
            if ready:
                chunk = os.read(self._out, 1 << 20)
                if not chunk:
                    raise _ServerDied(f"fork server exited ({self.proc.poll()})")
                self._buf += chunk

    def kill(self) -> None:
        kill_group(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)
        for f in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                f.close()  # type: ignore[union-attr]
        if self.channel is not None:
            self.channel.close()
        if self.vg_log is not None:
            with contextlib.suppress(OSError):
                os.close(self.vg_log)
            self.vg_log = None

    def qemu_counts(self, runs: list[dict[str, Any]]) -> None:
        """Attach to each run the checked sum of its process tree's records (qemu)."""
        if self.channel is None:
            return
        try:
            records = self.channel.read()
        except CandidateError as exc:
            # a forged or altered record: the runs since the last read cannot be trusted
            for run in runs:
                run["qemu"] = {"forged": str(exc)}
            return
        for run in runs:
            pid = run.get("pid")
            if not isinstance(pid, int):
                continue
            t = qemu_counting.tree(records, tag=pid)
            run["qemu"] = {
                "instructions": t.instructions,
                "problems": list(t.problems),
                "rearm": t.rearm,
                "processes": len(t.processes),
                "stopped": t.stopped,
            }

    def _vg_new(self) -> bytes:
        """What valgrind logged since the last call (bounded); the memfd is emptied.

        Called between runs, when no process of the server logs (the candidate has
        ended, the zygote waits for its next "go"): nothing is lost by emptying it.
        """
        if self.vg_log is None:
            return b""
        size = os.fstat(self.vg_log).st_size
        data = os.pread(self.vg_log, min(size, MAX_VALGRIND_LOG), 0) if size else b""
        os.ftruncate(self.vg_log, 0)
        os.lseek(self.vg_log, 0, os.SEEK_SET)  # valgrind writes at the shared offset
        return data

    def valgrind_logs(self, runs: list[dict[str, Any]]) -> None:
        """Attach valgrind's log of each process the candidate's runs had (valgrind).

        Every line valgrind writes starts with its process's pid (``==P==``,
        ``--P--``, ``**P**``); lines of the server's own processes are dropped. The
        lines of a process other than a run's main one (a process the candidate
        started, normally denied under valgrind) go to that run too, and are counted.
        """
        if self.vg_log is None:
            return
        by_pid = _log_lines_by_pid(self._vg_new())
        for pid in self._own_pids:
            by_pid.pop(pid, None)
        if any(isinstance(run.get("ns_pid"), int) for run in runs):
            by_pid.pop(1, None)  # the placeholder pid 1 of a candidate's pid namespace
        # one pid's lines may be those of several processes that had it in turn (pid
        # namespaces number from 1 again): each process's log ends with its summary
        processes = {pid: _per_process(text) for pid, text in by_pid.items()}
        owner: dict[int, dict[str, str]] = {}
        for run in runs:
            logs: dict[str, str] = {}
            main = log_pid(run)
            if isinstance(main, int) and processes.get(main):
                logs[str(main)] = processes[main].pop(0)
                owner[main] = logs
            run["logs"] = logs
        for pid, logs in owner.items():
            # more process logs under a run's pid than runs: they join the last one's log,
            # which then holds two summaries and is no count
            logs[str(pid)] += "".join(processes[pid])
        by_pid = {pid: text for pid, text in by_pid.items() if pid not in owner}
        if runs and by_pid:
            # other processes: the candidate's (at most one run per request has them)
            last = runs[-1]["logs"]
            for pid in sorted(by_pid)[:MAX_LOGS]:
                last[str(pid)] = by_pid[pid]
            if len(by_pid) > MAX_LOGS:
                last["too_many"] = ""

    def close(self) -> None:
        if self.alive():
            with contextlib.suppress(_ServerDied):
                self.send({"op": "exit"})
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(30)
        self.kill()
        shutil.rmtree(self.work_root, ignore_errors=True)


# -- the runner -------------------------------------------------------------------
class Runner(RunnerBase):
    """Runs candidates in sandboxed processes forked from a reusable fork server.

    ``backend`` is ``auto``, ``perf``, ``valgrind`` or ``software``;
    ``timeout`` (native seconds per candidate, default 60, scaled for
    valgrind), ``memory_mb`` (RLIMIT_AS, default 4096, 0 = none), ``events``
    (perf/software), ``repeats`` (software default 5). ``file_mb`` bounds
    captured stdout/stderr and files written, ``output_mb`` the returned
    outputs, ``max_pids`` the processes a candidate may create, ``open_files``
    its file descriptors. ``network=False`` (default) runs candidates in an
    empty network namespace where that is permitted; ``drop_root`` (default)
    runs every candidate as a uid of its own when the evaluator is root (see
    :mod:`perfcount.execute.sandbox` and SECURITY.md). ``switch_interval``
    is the candidates' ``sys.setswitchinterval``: by default so long that
    their threads switch only where they block, so that a threaded
    candidate's count does not drift with the clock; ``sandbox.PYTHON_SWITCH_INTERVAL``
    (0.005) is Python's own (see :data:`~perfcount.execute.sandbox.GIL_SWITCH_INTERVAL`).
    ``verify=False`` defers the check that the backend works here to the
    first :meth:`profile` (``check`` never needs it).

    Safe to use from one thread at a time (calls are serialised); a server
    killed by a candidate is restarted on the next call. Use as a context
    manager or call :meth:`close`.
    """

    #: what this runner runs (see perfcount.execute.candidate.CandidateRunner)
    kind = "python"
    _ids = itertools.count()

    def __init__(
        self,
        backend: str = "auto",
        *,
        timeout: float | None = None,
        memory_mb: int | None = None,
        events: Sequence[str] | None = None,
        repeats: int | None = None,
        file_mb: int = 16,
        output_mb: int = 64,
        max_pids: int = 64,
        open_files: int = 256,
        grace: float = 0.5,
        network: bool = False,
        drop_root: bool = True,
        switch_interval: float = GIL_SWITCH_INTERVAL,
        verify: bool = True,
    ) -> None:
        self._backend: Backend
        self._backend, self.reason = select_backend(backend, events, repeats=repeats)
        self.backend = self._backend.name
        if verify:
            self._verify()
        self.metric = self._backend.metric
        self.limits = Limits(
            timeout=DEFAULT_TIMEOUT if timeout is None else float(timeout),
            memory_mb=4096 if memory_mb is None else memory_mb,
            file_mb=file_mb,
            output_mb=output_mb,
            open_files=open_files,
            pids=max_pids,
            grace=grace,
            network=network,
            drop_root=drop_root,
            switch_interval=switch_interval,
        )
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        #: compiled code of the last few profiled sources (sha256 of the source -> marshal)
        self._codes: OrderedDict[bytes, str] = OrderedDict()
        # every path and id a candidate's process sees has the same length on every
        # run path (pid digits, counters, TMPDIR), so nothing shifts its memory layout
        self._id = f"{os.getpid():010d}-{next(self._ids):06d}-{uuid.uuid4().hex[:6]}"
        _sweep_stale_dirs()
        self._dir = Path(
            tempfile.mkdtemp(prefix=f"perfcount-run-{os.getpid():010d}-", dir=_temp_root())
        )
        # candidates under callgrind write their dumps below this folder from inside
        # themselves, as their own uid: they may pass through it (not list it)
        os.chmod(self._dir, 0o711)
        self._cgroup = PidsCgroup.create(self._id)
        self._memcg = MemoryCgroup.create(self._id)
        self.sandbox = f"{self._cgroup.reason}; {self._memcg.reason}"
        self._sandbox_noted = False
        self._servers: dict[str, _Server] = {}
        self._closed = False
        _open_runners.add(self)
        self._env = server_environment()

    @property
    def switch_interval(self) -> float:
        return self.limits.switch_interval

    # -- lifecycle --
    def close(self) -> None:
        """Stop the fork servers and remove temporary folders and cgroups."""
        if getattr(self, "_closed", True):
            return
        with self._lock:
            self._closed = True
            for server in self._servers.values():
                server.close()
            self._servers.clear()
            self._cgroup.close()
            self._memcg.close()
            shutil.rmtree(self._dir, ignore_errors=True)

    def _server(self, kind: str) -> _Server:
        if self._closed:
            raise InvalidArgument("this Runner is closed", hint="create a new Runner")
        server = self._servers.get(kind)
        if server is not None and not server.alive():
            log.info("%s fork server died; restarting", kind)
            server.close()
            server = None
        if server is None:
            server = _Server(kind, self._dir, self._cgroup.path, self._env, self._memcg.path)
            self._servers[kind] = server
        return server

    # -- public API --
    def profile(
        self,
        solution: str,
        entry_point: str,
        inputs: Sequence[Sequence[Any]],
        warmup: int = 0,
        *,
        timeout: float | None = None,
        instructions: int | None = None,
    ) -> Profile:
        """Run ``entry_point`` of ``solution`` on every input (argument list) and measure it.

        ``warmup`` runs the whole workload that many times before the measured
        run(s); ``timeout`` overrides the runner's (native seconds, per run of
        the workload; scaled for valgrind and multiplied by repeats + warmup).
        ``instructions`` is an instruction budget per counted run (backends
        whose metric is ``instructions``): a run whose count is over it is a
        ``timeout``, the same verdict on every run whatever the machine's load;
        under qemu the plugin stops it there instead of at the wall-clock
        limit, which stays as a backstop (:attr:`Limits.instructions`).
        """
        encoded = _encode_inputs(inputs)
        _check_source(solution, entry_point)
        if not isinstance(warmup, int) or warmup < 0:
            raise InvalidArgument(f"warmup must be a non-negative integer, got {warmup!r}")
        self._verify()
        b = self._backend
        limits = _scaled(self._limits(timeout), b.timeout_factor * max(1, b.repeats) + warmup)
        if instructions is not None:
            limits = _with_budget(limits, instructions, self.metric)
        base = {"backend": self.backend, "metric": self.metric, "reason": self.reason}
        with self._lock:
            try:
                overhead = self._overhead(b)
            except PerfcountError as exc:
                return Profile(status="crashed", error=f"measurement failed: {exc}", **base)
            done, _server = self._profile_request(solution, entry_point, encoded, warmup, limits)
            status, error = classify(done, limits)
            result = done.get("result") or {}
            runs = done.get("runs") or []
            stopped = _stopped_at_budget(runs, limits)
            if stopped:  # the plugin ended it (killed: classify saw a signal, or no result)
                status, error = "timeout", stopped
            common = {
                **base,
                "stdout": done.get("stdout", ""),
                "max_rss_kb": done.get("max_rss_kb"),
                "sandbox": "; ".join(result.get("sandbox") or ()),
            }
            if status == "ok":
                bad = _malformed(result, len(encoded), regions=False)
                if bad:
                    status, error = "failed", bad
                elif done.get("count_error"):
                    status, error = "crashed", f"measurement failed: {done['count_error']}"
                elif any(r.get("different_outputs") for r in runs):
                    status, error = (
                        "failed",
                        (
                            "the candidate returned different outputs in different repeats "
                            "(every repeat is a fresh process on fresh inputs)"
                        ),
                    )
            if status != "ok":
                # a run that ended badly because its count was tampered with says so; not
                # one the harness ended (a qemu process killed at its time or memory limit
                # leaves no record, which is no evidence of tampering)
                tampered = "" if status in ("timeout", "memory") else _tampered(b, runs)
                if tampered:
                    status, error = "failed", tampered
                return Profile(status=status, error=_with_source_lines(error, solution), **common)
            try:
                summary = b.summarise(runs, overhead=overhead)
            except CandidateError as exc:
                return Profile(status="failed", error=str(exc), **common)
            except (ValueError, TypeError, KeyError) as exc:
                return Profile(
                    status="failed", error=f"{_MALFORMED}: unusable counts ({exc})", **common
                )
            except PerfcountError as exc:
                return Profile(status="crashed", error=f"measurement failed: {exc}", **common)
            over = _over_budget(b, runs, limits)
            if over:
                return Profile(status="timeout", error=over, **common)
            walls = sorted(w for r in runs for w in [r.get("elapsed_ns")] if w is not None)
            cpus = sorted(float(r["cpu_s"]) for r in runs if r.get("cpu_s") is not None)
            return Profile(
                status="ok",
                cost=summary.cost,
                counts=summary.counts,
                outputs=result.get("outputs"),
                wall_ns=walls[len(walls) // 2] if walls else None,
                repeats=summary.repeats,
                cv=summary.cv,
                cpu_s=cpus[len(cpus) // 2] if cpus else None,
                **common,
            )

    #: the empty candidate whose count is the harness's own share of every count
    _EMPTY = ("def _perfcount_empty(*args):\n    return None\n", "_perfcount_empty")

    def _profile_request(
        self,
        solution: str,
        entry_point: str,
        encoded: list[Any],
        warmup: int,
        limits: Limits,
        *,
        spec: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], _Server]:
        b = self._backend
        code, failed = self._compile(solution, entry_point)
        if code is None:
            return failed, self._server(b.server)
        req = {
            "op": "run",
            "id": next(self._seq),
            "mode": "profile",
            "code": code,
            "entry_point": entry_point,
            "inputs": encoded,
            "warmup": warmup,
            "backend": spec or b.spec(),
            "limits": limits.to_dict(),
        }
        done, server = self._run(b.server, req, limits)
        server.qemu_counts(done.get("runs") or [])
        server.valgrind_logs(done.get("runs") or [])
        return done, server

    def _compile(self, solution: str, entry_point: str) -> tuple[str | None, dict[str, Any]]:
        """The candidate's code object for a profile request (base64 marshal), or why not.

        Compiled in a sandboxed child of the native fork server, at native speed:
        the profile child loads the code object and never sees the source (see
        :func:`perfcount.execute.server.run_candidate`). The same source gives the
        same bytes, so the last few are kept.
        """
        key = hashlib.sha256(solution.encode("utf-8", "surrogatepass")).digest()
        code = self._codes.get(key)
        if code is not None:
            self._codes.move_to_end(key)
            return code, {}
        req = {
            "op": "run",
            "id": next(self._seq),
            "mode": "compile",
            "source": solution,
            "entry_point": entry_point,
            "inputs": [],
            "limits": self.limits.to_dict(),
        }
        done, _ = self._run("native", req, self.limits)
        status, _error = classify(done, self.limits)
        result = done.get("result") or {}
        code = result.get("code") if status == "ok" else None
        if not isinstance(code, str):
            if status == "ok":  # a compile child that answered without code
                done = {**done, "result": {"status": "crashed", "error": f"{_MALFORMED}: no code"}}
            return None, done
        self._codes[key] = code
        while len(self._codes) > _CODES_KEPT:
            self._codes.popitem(last=False)
        return code, {}

    def _overhead(self, b: Backend) -> dict[str, float]:
        """What the harness adds to every count on this runner's server (measured once per server).

        An empty candidate (no module code, no calls) measured exactly like a real
        one: the share of a whole-life count that is the harness's own (being let
        go, encoding and writing the result, exit). For the deterministic
        backends it is one exact number per server; for time-based events the
        minimum of at least 9 runs.
        """
        server = self._server(b.server)
        key = repr(sorted(b.spec().items()))
        got = server.overhead.get(key)
        if got is not None:
            return got
        # deterministic backends: one run is the exact number. Time-based events: the
        # minimum of many runs — a median of a few moved by ~90 us from one server to the
        # next (measured), and every cost measured on a server carries its constant
        runs = max(1, b.repeats) if b.metric == "instructions" else max(9, 2 * b.repeats)
        spec = {**b.spec(), "repeats": runs}
        limits = _scaled(self.limits, b.timeout_factor * runs)
        source, entry = self._EMPTY
        done, server = self._profile_request(source, entry, [], 0, limits, spec=spec)
        status, error = classify(done, limits)
        if status != "ok" or done.get("count_error"):
            raise BackendError(
                "the harness could not count an empty candidate: "
                + (done.get("count_error") or error or status),
                hint="run `python -m perfcount info` to see what this machine can count",
            )
        measured = [b.run_values(r).values for r in done.get("runs") or []]
        if not measured:
            raise BackendError("the harness could not count an empty candidate: no run came back")
        values = {name: min(m.get(name, 0.0) for m in measured) for name in measured[0]}
        server.overhead[key] = values
        return values

    def check(
        self,
        solution: str,
        entry_point: str,
        tests: Sequence[Sequence[Any]],
        expected: Sequence[Any],
        atol: float = 0,
        rtol: float = 0,
        *,
        timeout: float | None = None,
    ) -> Check:
        """Run the candidate on ``tests`` (in a native fork server) and compare with ``expected``.

        ``expected`` holds plain-encoded outputs (as stored in datasets), one per test.
        """
        encoded = _encode_inputs(tests)
        _check_source(solution, entry_point)
        expected = list(expected)
        if len(expected) != len(encoded):
            raise InvalidArgument(
                f"{len(encoded)} tests but {len(expected)} expected outputs",
                hint="pass one plain-encoded expected output per test input",
            )
        for name, tol in (("atol", atol), ("rtol", rtol)):
            if not isinstance(tol, (int, float)) or isinstance(tol, bool) or tol < 0:
                raise InvalidArgument(f"{name} must be a non-negative number, got {tol!r}")
        limits = self._limits(timeout)
        with self._lock:
            seq = next(self._seq)
            req = {
                "op": "run",
                "id": seq,
                "mode": "check",
                "source": solution,
                "entry_point": entry_point,
                "inputs": encoded,
                "limits": limits.to_dict(),
            }
            done, _ = self._run("native", req, limits)
        status, error = classify(done, limits)
        stdout = done.get("stdout", "")
        if status != "ok":
            failures = []
            index = (done.get("result") or {}).get("index")
            if index is not None:
                first_line = error.strip().splitlines()[0] if error.strip() else status
                failures.append(Failure(index, first_line, _short_input(encoded[index])))
            return Check(False, status, failures, None, error, stdout)
        bad = _malformed(done["result"], len(encoded), regions=False)
        if bad:
            return Check(False, "failed", [], None, bad, stdout)
        return failed_tests(
            done["result"]["outputs"],
            expected,
            lambda got, exp: plain.first_difference(got, exp, atol=float(atol), rtol=float(rtol)),
            lambda i: _short_input(encoded[i]),
            stdout,
        )

    # -- plumbing --
    def _limits(self, timeout: float | None) -> Limits:
        if timeout is None:
            return self.limits
        d = self.limits.to_dict()
        d["timeout"] = float(timeout)
        return Limits(**d)

    def _run(
        self, kind: str, req: dict[str, Any], limits: Limits
    ) -> tuple[dict[str, Any], _Server]:
        """Send one request; the server's ``done`` message, or a synthetic one if it died."""
        for attempt in (0, 1):
            server = self._server(kind)
            try:
                server.send(req)
                started = server.recv(time.monotonic() + _SERVER_START_TIMEOUT)
                break
            except (_ServerDied, TimeoutError):
                server.kill()
                if attempt:
                    raise BackendError(
                        f"the {kind} fork server keeps dying before it starts a candidate; "
                        f"log: {server.log_tail()}"
                    ) from None
        pid = int(started["pid"])
        cg = started.get("cgroup")
        # the server enforces the timeout itself; this is the evaluator's backstop
        backstop = limits.timeout * 1.5 + limits.grace + 30.0
        try:
            done = server.recv(time.monotonic() + backstop)
            notes = (done.get("result") or {}).get("sandbox") if isinstance(done, dict) else None
            if notes and not self._sandbox_noted:
                # said once per runner: the degradation is the same for every candidate
                self._sandbox_noted = True
                text = "; ".join(str(n) for n in notes)
                self.sandbox = f"{self.sandbox}; degraded: {text}"
                log.warning("candidate sandbox degraded: %s", text)
            return done, server
        except _ServerDied:
            why = "the fork server died while the candidate ran (the candidate killed it?)"
            timed_out = False
        except TimeoutError:
            why = "the fork server stopped answering"
            timed_out = True
        # clean up after the candidate ourselves, then restart the server next time
        kill_group(pid, signal.SIGKILL)
        if cg:
            PidsCgroup.remove(Path(cg))
        server.kill()
        log.warning("%s (pid %d); restarting the %s fork server", why, pid, kind)
        return {
            "event": "done",
            "pid": pid,
            "server_died": why,
            "timed_out": timed_out,
            "exitcode": None,
            "signal": None,
            "result": None,
        }, server


# -- helpers ---------------------------------------------------------------------
#: at most this many processes' valgrind logs are attached to one request's runs
MAX_LOGS = 256
#: valgrind's log of one request is read up to this size (a process's is a few KiB)
MAX_VALGRIND_LOG = 16 << 20
#: a log of one process is a few KiB; past this it is not read (as no count)
MAX_LOG_BYTES = 256 << 10
_LOG_PREFIX = re.compile(r"(?:==|--|\*\*)(\d+)(?:==|--|\*\*)")


#: the last line valgrind writes for a process that ends (callgrind and cachegrind)
_LOG_SUMMARY_END = re.compile(r"^==\d+==\s+I\s+refs:.*(?:\n|$)", re.M)


def _per_process(text: str) -> list[str]:
    """One pid's log lines split into the logs of the processes that had that pid in turn.

    Each process's log ends with its ``I refs`` summary line; lines after the
    last one (a process killed before its summary) are one more log.
    """
    out = []
    start = 0
    for m in _LOG_SUMMARY_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    if text[start:]:
        out.append(text[start:])
    return out


def _log_lines_by_pid(data: bytes) -> dict[int, str]:
    """valgrind's log lines grouped by the pid each starts with (unprefixed ones dropped).

    A process's log over :data:`MAX_LOG_BYTES` becomes empty text (no count).
    """
    out: dict[int, list[str]] = {}
    for line in data.decode("utf-8", "replace").splitlines(keepends=True):
        m = _LOG_PREFIX.match(line)
        if m:
            out.setdefault(int(m.group(1)), []).append(line)
    texts = {pid: "".join(lines) for pid, lines in out.items()}
    return {pid: (t if len(t) <= MAX_LOG_BYTES else "") for pid, t in texts.items()}


@functools.lru_cache(maxsize=1)
def harness_digest() -> str:
    """A digest of the measuring code: every file of the fork servers' copy of perfcount,
    the native module and the qemu plugin.

    Part of every reference-cache key: costs measured by one version of the
    harness are never mixed with another's (a verbatim reference must score as
    that reference on every path). It is the copy's digest, not one of a list of
    "measuring" modules: every module the server imports, and the names of the
    files in its folders, are in the heap a child inherits (measured under qemu:
    two lines added to ``errors.py`` moved a count by -15 instructions, an empty
    module added to ``execute/`` by +24).
    """
    h = hashlib.sha256(_import_image()[2].encode())
    try:
        from perfcount import _native

        h.update(Path(_native.__file__).read_bytes())
    except (ImportError, OSError, TypeError):
        h.update(b"no native module")
    try:  # found as the backend finds it (beside a source tree: the installed copy's)
        h.update(qemu_counting.plugin_path().read_bytes())
    except (PerfcountError, OSError):
        h.update(b"no qemu plugin")
    return h.hexdigest()[:16]


_open_runners: weakref.WeakSet[Runner] = weakref.WeakSet()


@atexit.register
def _close_open_runners() -> None:
    """Runners left open at interpreter exit still stop their servers and clean up."""
    for runner in list(_open_runners):
        with contextlib.suppress(Exception):
            runner.close()


def _sweep_stale_dirs() -> None:
    """Remove temporary folders of runners whose process died without closing them."""
    for d in Path(_temp_root()).glob("perfcount-run-*-*"):
        owner = d.name.split("-")[2]
        if owner.isdigit() and not Path(f"/proc/{int(owner)}").exists():
            shutil.rmtree(d, ignore_errors=True)


def _temp_root() -> str:
    """``/tmp`` where it is usable, whatever TMPDIR says (path lengths must not vary)."""
    return "/tmp" if os.access("/tmp", os.W_OK | os.X_OK) else tempfile.gettempdir()


#: the whole environment of a fork server (and so of every candidate): nothing of
#: the caller's environment (API keys, paths of its own) reaches a candidate, and
#: the block has the same size on every run path
SERVER_ENV_SIZE = 2048


def server_environment() -> dict[str, str]:
    """The fixed environment a fork server runs in.

    An allowlist, not a copy of ``os.environ``: ``PATH``, a UTF-8 C locale,
    ``PYTHONHASHSEED=0`` (deterministic string hashing),
    ``PYTHONDONTWRITEBYTECODE``, ``LD_LIBRARY_PATH``/``PYTHONHOME`` when set (the
    interpreter may need them to start), and ``PYTHONPATH`` set to
    :func:`_import_root`, a fixed-length folder holding a canonical copy of
    perfcount (so an editable checkout and a wheel give the server the same
    path lengths and imports). ``PERFCOUNT_ENV_PAD`` fills
    the block to :data:`SERVER_ENV_SIZE` bytes, so the initial stack is at the
    same address whatever the lengths above.
    """
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONPATH": _import_root(),
    }
    # what the interpreter itself may need to start (a relocated build, a libpython
    # outside the loader's path); never anything else of the caller's
    for name in ("LD_LIBRARY_PATH", "PYTHONHOME"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    used = sum(len(k) + len(v) + 2 for k, v in env.items()) + len("PERFCOUNT_ENV_PAD=") + 1
    env["PERFCOUNT_ENV_PAD"] = "x" * max(0, SERVER_ENV_SIZE - used)
    return env


#: what a fork server's copy of perfcount holds: its modules and compiled extensions
_IMAGE_SUFFIXES = (".py", ".so")


def _import_root() -> str:
    """A fixed-length folder (``/tmp/perfcount-src-<16 hex>``) holding a canonical copy of perfcount.

    The fork server imports perfcount from here. An interpreter lists every
    folder it imports from once and caches the listing, and how it loads a
    module (from a ``.pyc`` or by compiling the source) decides what it
    allocates: both end up in the heap every child inherits, so they moved
    the same candidate's count. Measured under qemu: one file added to a
    checkout beside the package, +89 instructions; perfcount's ``.pyc`` files
    present or not, +487. The copy holds perfcount's ``.py`` files and
    compiled extensions (from every folder of the package's path: a source
    checkout beside an installed copy is merged) and a ``.pyc`` of every
    module (unchecked-hash, so no timestamps); it is named by a digest of
    those contents, so the same perfcount gives the same folder, listing and
    loads on every run path, and a changed file gives a new one.
    """
    root, files, _digest = _import_image()
    if _usable_import_root(root):  # looked at every time: /tmp may be cleaned meanwhile
        return root
    try:
        _build_import_root(root, files)
    except OSError as exc:
        if not _usable_import_root(root):
            raise BackendError(
                f"cannot make the fork server's copy of perfcount in {root}: {exc}",
                hint="perfcount needs a writable /tmp (or TMPDIR) for its fork servers",
            ) from exc
    _sweep_old_import_roots(keep=root)
    return root


@functools.cache
def _import_image() -> tuple[str, dict[str, str], str]:
    """Where this process's perfcount copy lives, the files it holds and their digest (read once)."""
    import perfcount

    files = _package_files(perfcount.__path__)
    h = hashlib.sha256(sys.implementation.cache_tag.encode())
    for rel, path in sorted(files.items()):
        h.update(rel.encode() + b"\0" + hashlib.sha256(Path(path).read_bytes()).digest())
    digest = h.hexdigest()
    return os.path.join(_temp_root(), f"perfcount-src-{digest[:16]}"), files, digest


def _package_files(parts: Sequence[str]) -> dict[str, str]:
    """Relative path -> file of every module and extension of the package (first part wins)."""
    files: dict[str, str] = {}
    for part in parts:
        base = Path(part).resolve()
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base)
            if "__pycache__" in rel.parts or not path.is_file():
                continue
            if path.suffix in _IMAGE_SUFFIXES:
                files.setdefault(str(Path("perfcount") / rel), str(path))
    return files


def _usable_import_root(root: str) -> bool:
    """``root`` is a folder of ours that nobody else can write (built whole, then renamed)."""
    try:
        st = os.lstat(root)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _build_import_root(root: str, files: dict[str, str]) -> None:
    """Copy ``files`` and compile their modules in a temporary folder, then rename it to ``root``."""
    import py_compile

    tmp = tempfile.mkdtemp(prefix=".perfcount-src-", dir=os.path.dirname(root))
    try:
        for rel, src in files.items():
            dest = Path(tmp) / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            if dest.suffix == ".py":
                py_compile.compile(
                    str(dest),
                    dfile=str(Path(root) / rel),
                    doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
        for d, _dirs, names in os.walk(tmp):
            os.chmod(d, 0o755)
            for name in names:
                os.chmod(os.path.join(d, name), 0o644)
        try:
            os.rename(tmp, root)
        except OSError:
            if not _usable_import_root(root):  # not a race another runner won
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


#: copies of other perfcount versions are removed once unused for this long
_OLD_IMPORT_ROOT_S = 86_400.0


def _sweep_old_import_roots(keep: str) -> None:
    """Remove this user's copies of other perfcount builds not used for a day (and old links)."""
    now = time.time()
    for d in Path(keep).parent.glob("perfcount-src-*"):
        if str(d) == keep:
            continue
        with contextlib.suppress(OSError):
            st = d.lstat()
            if st.st_uid != os.geteuid():
                continue
            if stat.S_ISLNK(st.st_mode):
                d.unlink()  # the layout before these copies: a link to perfcount's parent
            elif stat.S_ISDIR(st.st_mode) and now - st.st_atime > _OLD_IMPORT_ROOT_S:
                shutil.rmtree(d, ignore_errors=True)


def _scaled(limits: Limits, factor: float) -> Limits:
    if factor == 1:
        return limits
    d = limits.to_dict()
    d["timeout"] = limits.timeout * factor
    return Limits(**d)


def _encode_inputs(inputs: Sequence[Sequence[Any]]) -> list[Any]:
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise InvalidArgument(
            f"inputs must be a list of argument lists, got {type(inputs).__name__}",
            hint="e.g. inputs=[[3, 4], [10, 20]] calls f(3, 4) and f(10, 20)",
        )
    out = []
    for i, args in enumerate(inputs):
        if isinstance(args, dict) and set(args) == {"$tuple"}:
            args = plain.decode(args)
        if not isinstance(args, (list, tuple)):
            raise InvalidArgument(
                f"input {i} is a {type(args).__name__}, not an argument list",
                hint="wrap single arguments: inputs=[[x], [y]]",
            )
        try:
            out.append([plain.encode(a) for a in args])
        except plain.UnsupportedValue as exc:
            raise InvalidArgument(f"input {i} is not plain data: {exc}") from exc
    return out


_CANDIDATE_FRAME = re.compile(r'^(\s*)File "<candidate>", line (\d+)')


def _with_source_lines(error: str, source: str) -> str:
    """``error`` with the candidate's source line under each of its traceback frames.

    A profile child has the candidate's code, not its source (the source's text
    in its heap moved counts), so its tracebacks name lines without showing
    them; the runner has the source and puts them back.
    """
    if 'File "<candidate>"' not in error:
        return error
    lines = source.splitlines()
    out: list[str] = []
    text = error.split("\n")
    for i, line in enumerate(text):
        out.append(line)
        m = _CANDIDATE_FRAME.match(line)
        if not m:
            continue
        n = int(m.group(2))
        shown = lines[n - 1].strip() if 0 < n <= len(lines) else ""
        following = text[i + 1].strip() if i + 1 < len(text) else ""
        if shown and following != shown:
            out.append(f"{m.group(1)}  {shown}")
    return "\n".join(out)


def _check_source(solution: str, entry_point: str) -> None:
    if not isinstance(solution, str):
        raise InvalidArgument(f"solution must be Python source text, got {type(solution).__name__}")
    if not isinstance(entry_point, str) or not entry_point.isidentifier():
        raise InvalidArgument(
            f"entry_point must be a function name, got {entry_point!r}",
            hint="the name of the function the candidate defines, e.g. 'solve'",
        )


def _short_input(args: Any) -> str:
    text = plain.canonical(args)
    return text if len(text) <= _SHOWN_INPUT else text[: _SHOWN_INPUT - 3] + "..."


def _with_budget(limits: Limits, instructions: Any, metric: str) -> Limits:
    """``limits`` with an instruction budget (see :meth:`Runner.profile`)."""
    require_instruction_metric(metric)
    return dataclasses.replace(limits, instructions=instructions)


def _stopped_at_budget(runs: list[dict[str, Any]], limits: Limits) -> str:
    """Why a run was stopped at its instruction budget by the qemu plugin ('' if none was)."""
    for run in runs:
        if (run.get("qemu") or {}).get("stopped"):
            return (
                f"went over its instruction budget of {limits.instructions:,} and was "
                "stopped there (the count, not the clock, decides: the same on every run)"
            )
    return ""


def _over_budget(b: Backend, runs: list[dict[str, Any]], limits: Limits) -> str:
    """Why the whole-life count of a finished run is over the budget ('' when none is)."""
    if limits.instructions >= NO_BUDGET or b.metric != "instructions":
        return ""
    for run in runs:
        count = b.run_values(run).values.get("instructions", 0.0)
        if count > limits.instructions:
            return (
                f"ran {count:,.0f} instructions, over its instruction budget of "
                f"{limits.instructions:,} (the count, not the clock, decides: the same on "
                "every run)"
            )
    return ""


def _tampered(b: Backend, runs: list[dict[str, Any]]) -> str:
    """Why the count of one of ``runs`` cannot be trusted ('' when no run shows tampering)."""
    for run in runs:
        try:
            b.run_values(run)
        except CandidateError as exc:
            return str(exc)
        except (PerfcountError, ValueError, TypeError, KeyError):
            continue
    return ""


_MALFORMED = (
    "the candidate process returned a malformed result (did the candidate write to "
    "the evaluator's result channel?)"
)


def _malformed(result: Any, n_inputs: int, *, regions: bool) -> str:
    """Why an ``ok`` result from a child cannot be used ('' when it can)."""
    why = ""
    if not isinstance(result, dict):
        why = "not an object"
    elif not isinstance(result.get("outputs"), list) or len(result["outputs"]) != n_inputs:
        why = f"expected {n_inputs} outputs"
    elif regions:
        raw = result.get("regions")
        walls = result.get("wall_ns", [])
        if not isinstance(raw, list) or not raw:
            why = "no measured region"
        elif not all(
            isinstance(r, dict)
            and isinstance(r.get("values"), dict)
            and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                for v in r["values"].values()
            )
            for r in raw
        ):
            why = "regions are not counter values"
        elif not isinstance(walls, list) or not all(
            isinstance(w, int) and not isinstance(w, bool) for w in walls
        ):
            why = "wall times are not integers"
    return f"{_MALFORMED}: {why}" if why else ""


# -- one-shot functions ------------------------------------------------------------
def profile(
    solution: str,
    entry_point: str,
    inputs: Sequence[Sequence[Any]],
    *,
    backend: str = "auto",
    timeout: float | None = None,
    memory_mb: int | None = None,
    warmup: int = 0,
    events: Sequence[str] | None = None,
    repeats: int | None = None,
) -> Profile:
    """Profile one candidate with a temporary :class:`Runner` (see there)."""
    with Runner(backend, timeout=timeout, memory_mb=memory_mb, events=events, repeats=repeats) as r:
        return r.profile(solution, entry_point, inputs, warmup=warmup)


def check(
    solution: str,
    entry_point: str,
    tests: Sequence[Sequence[Any]],
    expected: Sequence[Any],
    *,
    atol: float = 0,
    rtol: float = 0,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> Check:
    """Check one candidate's outputs with a temporary native :class:`Runner`."""
    # correctness never measures, so the backend is irrelevant and not probed
    with Runner("software", timeout=timeout, memory_mb=memory_mb, verify=False) as r:
        return r.check(solution, entry_point, tests, expected, atol=atol, rtol=rtol)
