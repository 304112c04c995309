"""The sandbox of command candidates: a root jail process per command runner.

A command candidate (:mod:`perfcount.execute.commands`) is built and run by a
*jail* process J (``python -m perfcount.execute.jail``), which the
evaluator starts with pipes (:class:`Jail`, one per runner); every build and
every process is a *job* of J. J runs as the evaluator's user (root for the
full sandbox) and, before anything of the candidate runs:

1. joins a cgroup v1 ``pids`` and ``memory`` folder of its own (made by the
   evaluator; J sets ``pids.max`` and ``memory.limit_in_bytes`` per job
   through descriptors it opened before its mounts became read-only), so
   everything started below is bounded and found again;
2. opens the host's root folder (the build cache), then enters new IPC, UTS,
   network (empty) and mount namespaces with
   :func:`perfcount.execute.sandbox.isolate`: every mount read-only, ``/tmp``
   a private 256 MiB tmpfs owned by the candidate's uid, a private
   ``/dev/shm`` and ``/proc`` (``hidepid=invisible``; none under qemu),
   ``/run`` hidden;
3. per job, empties that ``/tmp``, makes the job's build folder again at a
   fixed path in it (:data:`JAIL_ROOT` ``/<key>``: the same on every run,
   whatever the host's temporary folder is called) and copies the folder's
   files in;
4. runs the job with :func:`perfcount.counters.process.run` (the native
   spawner: no wrapper process is exec'ed before the program, so counts are
   those of the program alone, equal to an unjailed run at the same path in
   the same environment). Its child, after fork and before exec (nothing
   of it counted), drops the capability bounding set, becomes uid/gid
   :func:`~perfcount.execute.sandbox.candidate_uid` ``(J's pid)`` with no
   groups and no capabilities, sets ``PR_SET_NO_NEW_PRIVS`` and the rlimits
   (address space, CPU, file size, open files, no cores) and installs the
   seccomp deny list of :mod:`perfcount.execute.seccomp` (exported as BPF);
5. kills whatever of the candidate is left in its cgroup (a ``setsid``
   daemon), counts it as left behind, and for a build copies the program back
   to the host folder through the descriptor opened in step 2;
6. answers with one JSON line per job on its stdout.

The candidate's uid can neither signal nor ptrace J (root, another uid, and
``ptrace`` is denied); its environment is an allowlist (:func:`environment`).
Where a step is refused (not root, no cgroups) the job still runs with what
applied and ``sandbox`` lists what did not, as ``Profile.sandbox`` does for
Python candidates. :func:`scrub_build_output` drops compiler messages that
quote files outside the build folder.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import dataclasses
import itertools
import json
import math
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfcount import errors
from perfcount.counters.process import ProcessResult
from perfcount.counters.region import Counts
from perfcount.execute.sandbox import MEMORY_CGROUP_HEADROOM_MB, MemoryCgroup, PidsCgroup

__all__ = [
    "BUILD_MEMORY_MB",
    "JAIL_ROOT",
    "PATH",
    "Jail",
    "JobLimits",
    "environment",
    "scrub_build_output",
]

#: the PATH builds and runs get (the task's ``env`` may set another)
PATH = "/usr/local/bin:/usr/bin:/bin"
#: address space of each build process (cc1 on ``#include "/dev/zero"`` reaches
#: 2 GiB in under a second; real candidate builds need a few hundred MiB)
BUILD_MEMORY_MB = 2048
#: the evaluator waits this long beyond a job's own limits before killing J
BACKSTOP_S = 30.0
#: files copied into the jail's folder (the source and the program), each at most
_MAX_COPY_BYTES = 512 << 20
_MAX_COPY_FILES = 64
_TMP = Path("/tmp")
#: where a job's folder is inside the jail (its private /tmp): the same path on
#: every run, whatever the host's temporary folder is called, so paths (and
#: the string hashes of a Python program's import caches) repeat
JAIL_ROOT = _TMP / "perfcount-cmd"


def environment(
    folder: str | os.PathLike[str], task_env: Mapping[str, str] | None, *, build: bool
) -> dict[str, str]:
    """The whole environment of a build or run: nothing of the caller's.

    ``PATH`` (:data:`PATH`), a locale (``C`` for builds, so compiler messages
    are plain ASCII; ``C.UTF-8`` for runs), ``HOME`` and ``TMPDIR`` the
    private work folder, for runs ``PYTHONHASHSEED=0`` (a Python program's
    string hashes, and so its count, repeat), then the task's own ``env``.
    """
    locale = "C" if build else "C.UTF-8"
    env = {
        "PATH": PATH,
        "LANG": locale,
        "LC_ALL": locale,
        "HOME": str(folder),
        "TMPDIR": str(folder),
    }
    if not build:
        env["PYTHONHASHSEED"] = "0"
    env.update(task_env or {})
    return env


@dataclass(frozen=True)
class JobLimits:
    """What one build or run may use (the jail's child sets these before exec).

    ``memory_mb``: RLIMIT_AS of every process (0: none) and, + 768 MiB, the
    memory cgroup of the whole tree; ``cpu_seconds`` RLIMIT_CPU (SIGXCPU;
    hard limit one second later; 0: the job's timeout + 1 s); ``file_mb``
    RLIMIT_FSIZE; ``open_files`` RLIMIT_NOFILE; ``pids`` the cgroup's
    ``pids.max`` (the jail process itself not included).
    """

    memory_mb: int = 4096
    cpu_seconds: int = 0
    file_mb: int = 16
    open_files: int = 256
    pids: int = 64

    def rlimits(self) -> list[tuple[int, int, int]]:
        out = [(resource.RLIMIT_CORE, 0, 0)]
        if self.memory_mb:
            out.append((resource.RLIMIT_AS, self.memory_mb << 20, self.memory_mb << 20))
        if self.cpu_seconds:
            out.append((resource.RLIMIT_CPU, self.cpu_seconds, self.cpu_seconds + 1))
        if self.file_mb:
            out.append((resource.RLIMIT_FSIZE, self.file_mb << 20, self.file_mb << 20))
        if self.open_files:
            out.append((resource.RLIMIT_NOFILE, self.open_files, self.open_files))
        return out


# --------------------------------------------------------------------------
# compiler output


# "path:line[:col]" at the start of a message, after "In file included from",
# "from" (include chains), "-->" (rustc) or "at" (notes)
_LOCATION = re.compile(
    r"^(?:In file included from |\s+from |\s*--> |\s*at )?"
    r"(?P<path>[^\s:][^:\n]*?):(?P<line>\d+)(?::\d+)?(?=[:,]|\s|$)"
)


def _outside(path: str, folder: str) -> bool:
    if path.startswith("<") or path.startswith("{"):  # <command-line>, {standard input}
        return False
    full = os.path.normpath(os.path.join(folder, path))
    root = os.path.normpath(folder)
    return not (full == root or full.startswith(root + os.sep))


def scrub_build_output(text: str, folder: str | os.PathLike[str]) -> str:
    """``text`` without the compiler messages located in files outside ``folder``.

    A message that names a file outside the build folder (``#include
    "/etc/passwd"``) is dropped together with the lines that follow it until
    the next located message (the quoted source lines and carets), so no
    content of such a file reaches the stored error; messages about the
    candidate's own files stay as they are. A last line says how many were
    left out and which files they named.
    """
    base = str(folder)
    out: list[str] = []
    dropped = 0
    files: list[str] = []
    dropping = False
    for line in text.splitlines():
        m = _LOCATION.match(line)
        if m:
            path = m.group("path").strip()
            dropping = _outside(path, base)
            if dropping:
                dropped += 1
                if path not in files:
                    files.append(path)
                continue
        if not dropping:
            out.append(line)
    if dropped:
        named = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
        out.append(
            f"({dropped} compiler message{'s' if dropped != 1 else ''} located in files outside "
            f"the build folder left out: {named})"
        )
    return "\n".join(out) + ("\n" if text.endswith("\n") and out else "")


# --------------------------------------------------------------------------
# the evaluator's side


def _python_env() -> dict[str, str]:
    """J's own environment: enough to start this interpreter and import this perfcount."""
    import perfcount

    env = {"PATH": PATH, "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
    # every folder of the package's path: a source checkout beside an installed copy finds
    # the installed copy's compiled part through it (perfcount/__init__.py's extend_path)
    roots = dict.fromkeys(str(Path(p).resolve().parent) for p in perfcount.__path__)
    env["PYTHONPATH"] = os.pathsep.join(roots)
    for name in ("LD_LIBRARY_PATH", "PYTHONHOME"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


class _Cgroups:
    """The evaluator's cgroup parents for jails (one pair per process, made on first use)."""

    _lock = threading.Lock()
    _made: tuple[PidsCgroup, MemoryCgroup] | None = None
    _ids = itertools.count()

    @classmethod
    def parents(cls) -> tuple[PidsCgroup, MemoryCgroup]:
        with cls._lock:
            if cls._made is None:
                runner_id = f"{os.getpid()}-jails"
                cls._made = (PidsCgroup.create(runner_id), MemoryCgroup.create(runner_id))
                atexit.register(cls.close)
            return cls._made

    @classmethod
    def next_name(cls) -> str:
        return f"j{next(cls._ids):08d}"

    @classmethod
    def close(cls) -> None:
        with cls._lock:
            made, cls._made = cls._made, None
        if made is not None:
            for cg in made:
                cg.close()


def _raise_from(err: Mapping[str, Any]) -> None:
    kind = getattr(errors, str(err.get("type", "")), None)
    if not (isinstance(kind, type) and issubclass(kind, errors.PerfcountError)):
        kind = errors.BackendError
    raise kind(str(err.get("message", "")), hint=str(err.get("hint") or ""))


def _encode(res: ProcessResult) -> dict[str, Any]:
    """A ProcessResult as JSON-ready data (output bytes in base64); inverse :func:`_decode`."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(ProcessResult):
        if f.name == "namespace_init":  # J's own, ended before the result leaves J
            continue
        value = getattr(res, f.name)
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode()
        elif isinstance(value, Counts):
            value = value.to_dict()
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def _decode(d: Mapping[str, Any]) -> ProcessResult:
    values = dict(d)
    values["argv"] = tuple(values["argv"])
    values["counts"] = Counts.from_dict(values["counts"])
    for name in ("stdout", "stderr"):
        values[name] = base64.b64decode(values[name])
    return ProcessResult(**values)


@dataclass(frozen=True)
class JobResult:
    """One job of a jail: the process's result and what the jail saw around it.

    ``left_behind``: processes of the candidate still alive after the program
    ended (killed); ``oom_killed``: the memory cgroup's OOM killer ended one of
    them during this job; ``sandbox``: the steps that did not apply;
    ``exported``: the files copied back to the host folder.
    """

    result: ProcessResult
    left_behind: int = 0
    oom_killed: bool = False
    sandbox: tuple[str, ...] = ()
    exported: tuple[str, ...] = ()


class Jail:
    """A jail process J over one host folder ``root``: jobs run one after another, each in a clean ``/tmp``.

    Each job names its folder (``root`` itself or a folder inside it, e.g. one
    build of a :class:`~perfcount.execute.commands.BuildCache`); that folder's
    files (source, program) are copied into the private ``/tmp`` at the same
    path for the job, and its :class:`JobLimits` set the child's rlimits and
    the cgroups' limits (J keeps their files open from before its mounts went
    read-only). One J serves many jobs, so its start (~0.1-0.2 s) is paid once
    per runner, not per process. ``qemu=True`` hides ``/proc`` (it would reach
    the counting plugin's memory). ``close()`` ends J and removes its cgroups
    (killing anything left in them). Thread-safe: jobs are serialised.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        qemu: bool = False,
        network: bool = False,
    ) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._pids: Path | None = None
        self._memory: Path | None = None
        notes: list[str] = []
        pids, memory = _Cgroups.parents()
        name = _Cgroups.next_name()
        if pids.path is not None:
            self._pids = pids.path / name
            try:
                PidsCgroup.make_child(self._pids, 0)
            except OSError as exc:
                notes.append(f"cannot create {self._pids}: {exc.strerror}")
                self._pids = None
        else:
            notes.append(pids.reason)
        if memory.path is not None:
            self._memory = memory.path / name
            try:
                MemoryCgroup.make_child(self._memory, 0)
            except OSError as exc:
                notes.append(f"cannot create {self._memory}: {exc.strerror}")
                self._memory = None
        else:
            notes.append(memory.reason)
        # J's own messages (a traceback): a file, so a full pipe can never block J
        self._stderr = tempfile.TemporaryFile(prefix="perfcount-jail-")  # noqa: SIM115
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            # with site: beside a source tree perfcount's compiled parts are found in
            # the installed copy through site-packages (the package __path__ is extended)
            [sys.executable, "-m", "perfcount.execute.jail"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=_python_env(),
            cwd="/",
            start_new_session=True,
        )
        setup = {
            "root": str(self.root),
            "pids_cgroup": str(self._pids or ""),
            "memory_cgroup": str(self._memory or ""),
            "qemu": qemu,
            "network": network,
        }
        try:
            reply = self._ask(setup, 60.0)
        except BaseException:
            self.close()
            raise
        self.sandbox: tuple[str, ...] = tuple(notes) + tuple(reply.get("sandbox") or ())
        self.uid: int | None = reply.get("uid")
        #: whether jobs run in a private /tmp (else in the host folder itself)
        self.private = bool(reply.get("private"))

    def inside(self, folder: str | os.PathLike[str]) -> Path:
        """Where the host ``folder`` (``root`` or inside it) is for the job: under :data:`JAIL_ROOT`."""
        if not self.private:
            return Path(folder)
        rel = os.path.relpath(folder, self.root)
        if rel.startswith(".."):
            raise errors.InvalidArgument(f"{folder} is not inside the jail's {self.root}")
        return JAIL_ROOT if rel == "." else JAIL_ROOT / rel

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _ask(self, message: Mapping[str, Any], wait: float) -> dict[str, Any]:
        proc = self._proc
        if proc is None:
            raise errors.InvalidArgument("this jail is closed", hint="open a new Jail")
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(message).encode() + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # J is gone: the read below says why
        buf = b""
        end = time.monotonic() + wait
        fd = proc.stdout.fileno()
        while not buf.endswith(b"\n"):
            left = end - time.monotonic()
            if left <= 0:
                self._kill()
                raise _JailLost("the jail process did not answer in time and was killed", True)
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                rc = proc.wait()
                raise _JailLost(
                    f"the jail process ended ({_exit_text(rc)}){self._stderr_tail()}", False
                )
            buf += chunk
        line = buf
        reply = json.loads(line)
        if "fatal" in reply:
            self._kill()
            raise errors.BackendError(
                f"the command jail failed: {reply['fatal']}",
                hint="run with sandbox=False to build and run command candidates unjailed",
            )
        return dict(reply)

    def _stderr_tail(self) -> str:
        with contextlib.suppress(OSError):
            self._stderr.seek(0)
            text = self._stderr.read()[-1500:].decode("utf-8", "replace").strip()
            return f": {text}" if text else ""
        return ""

    def oom_killed(self) -> bool:
        return self._memory is not None and MemoryCgroup.oom_killed(self._memory)

    def run(
        self,
        argv: Sequence[str],
        *,
        folder: str | os.PathLike[str],
        limits: JobLimits,
        stdin: bytes | str | None,
        timeout: float,
        env: Mapping[str, str],
        events: Sequence[str] | str | None = "task-clock",
        backend: str = "software",
        gpu: bool | str = False,
        max_output: int = 16 << 20,
        kill_grace: float = 0.5,
        export: Sequence[str] = (),
    ) -> JobResult:
        """Run ``argv`` with the files of the host ``folder`` (``root`` or inside it), in
        :meth:`inside` ``(folder)`` (cwd), under ``limits``, counted with ``backend`` as
        ``perfcount.run`` counts. ``argv`` and ``env`` name the folder by that inside path.

        ``export``: file names copied back from the jail's folder to the host
        folder after an exit status of 0 (a build's program). Errors of the
        run (a program that cannot be started) are raised as the
        :class:`~perfcount.errors.PerfcountError` the jail saw.
        """
        data = stdin.encode() if isinstance(stdin, str) else stdin
        job = {
            "folder": str(folder),
            "at": str(self.inside(folder)),
            "limits": limits.__dict__,
            "argv": list(argv),
            "stdin": None if data is None else base64.b64encode(data).decode(),
            "timeout": float(timeout),
            "env": dict(env),
            "events": events if events is None or isinstance(events, str) else list(events),
            "backend": backend,
            "gpu": gpu,
            "max_output": int(max_output),
            "kill_grace": float(kill_grace),
            "export": list(export),
        }
        wait = 1.5 * timeout + kill_grace + 1.0 + BACKSTOP_S
        try:
            with self._lock:
                reply = self._ask(job, wait)
        except _JailLost as lost:
            self._kill()
            # J is gone: its candidate would be an orphan; the cgroup finds it
            if self._pids is not None:
                PidsCgroup.kill_all(self._pids)
            oom = self.oom_killed()
            res = ProcessResult(
                argv=tuple(argv),
                counts=Counts(data={}, backend=backend, not_counted=frozenset({"instructions"})),
                returncode=None,
                signal=signal.SIGKILL,
                stderr=str(lost).encode(),
                timed_out=lost.timed_out,
            )
            return JobResult(res, oom_killed=oom, sandbox=self.sandbox)
        if "error" in reply:
            _raise_from(reply["error"])
        return JobResult(
            _decode(reply["result"]),
            left_behind=int(reply.get("left_behind", 0)),
            oom_killed=bool(reply.get("oom_killed")),
            sandbox=self.sandbox + tuple(reply.get("sandbox") or ()),
            exported=tuple(reply.get("exported") or ()),
        )

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
            proc.wait()

    def close(self) -> None:
        """End J (closing its stdin), kill what is left of the candidate, remove the cgroups."""
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                assert proc.stdin is not None
                proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        for path in (self._memory, self._pids):
            if path is not None:
                PidsCgroup.remove(path)
        self._stderr.close()

    def __enter__(self) -> Jail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class _JailLost(errors.BackendError):
    """J died or stopped answering (a job's result becomes ``crashed``/``timeout``)."""

    def __init__(self, text: str, timed_out: bool) -> None:
        super().__init__(text, hint="the jail process is restarted for the next job")
        self.timed_out = timed_out


def _exit_text(rc: int) -> str:
    if rc < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-rc).name}"
        return f"killed by signal {-rc}"
    return f"exit status {rc}"


# --------------------------------------------------------------------------
# the jail process J


def _seccomp_bpf() -> tuple[bytes | None, str | None]:
    """The candidates' deny list as a BPF program (perf_event_open denied too)."""
    from perfcount.execute import seccomp

    r, w = os.pipe()
    try:
        why = seccomp.install(deny_perf_events=True, export_fd=w)
    finally:
        os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    if why is not None:
        return None, why
    return data, None


def _wipe(folder: Path) -> None:
    """Remove everything inside ``folder`` (never following links)."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _open_no_links(path: Path) -> int:
    """Open ``path`` for reading without following a symlink in *any* component.

    The candidate owns the private ``/tmp`` its build folder lies in, so it can
    swap a folder on the way for a link (to ``/etc``, say); O_NOFOLLOW alone
    guards only the last component. Walking the path one ``openat`` at a time
    keeps every file read inside what the candidate could write anyway.
    """
    parts = path.parts
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[1:-1]:
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
        return os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
    finally:
        os.close(fd)


def _copy_fd(src: int, dst: int, limit: int) -> None:
    left = limit
    while left > 0:
        chunk = os.read(src, min(1 << 20, left))
        if not chunk:
            return
        os.write(dst, chunk)
        left -= len(chunk)


def _preimport() -> None:
    """Import now what J imports later: perfcount itself may lie under ``/tmp`` (a
    clone checked out there), which J's private ``/tmp`` covers once it is mounted."""
    import importlib

    for name in (
        "perfcount.execute.seccomp",
        "perfcount.counters.backends",
        "perfcount.counters.gpu",
        "perfcount.counters.events",
        "perfcount._native",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


class _Jailer:
    """What J does: set itself up once, then run job after job."""

    def __init__(self, setup: Mapping[str, Any]) -> None:
        from perfcount.execute.sandbox import (
            Limits,
            candidate_uid,
            isolate,
            pid_namespace_unavailable,
        )

        self.root_path = Path(setup["root"])
        self.notes: list[str] = []
        self.is_root = os.geteuid() == 0
        self.uid = candidate_uid(os.getpid()) if self.is_root else None
        self.pids_cgroup = Path(setup["pids_cgroup"]) if setup.get("pids_cgroup") else None
        memcg = setup.get("memory_cgroup")
        self.memory_cgroup = Path(memcg) if memcg else None
        # the limit files stay writable through these after the mounts become read-only
        self.pids_max = self._open_limit(self.pids_cgroup, "pids.max")
        self.memory_limit = self._open_limit(self.memory_cgroup, "memory.limit_in_bytes")
        for path in (self.pids_cgroup, self.memory_cgroup):
            if path is not None:
                try:
                    PidsCgroup.join(path)
                except OSError as exc:
                    self.notes.append(f"cannot join {path}: {exc.strerror}")
        # opened before the namespaces: /tmp is covered by a private tmpfs below
        self.host = os.open(self.root_path, os.O_RDONLY | os.O_DIRECTORY)
        _preimport()
        # /tmp holds builds too: 4 x 64 MiB
        sandbox_limits = Limits(memory_mb=0, file_mb=64, network=bool(setup.get("network")))
        tmp_dev = os.stat(_TMP).st_dev
        self.notes += isolate(sandbox_limits, [], _TMP, self.uid, hide_proc=bool(setup.get("qemu")))
        # whether jobs get a folder of their own (else they run in the host folder, unjailed)
        self.private = os.stat(_TMP).st_dev != tmp_dev
        if not self.private:
            self.notes.append(f"no private folder: jobs run in {self.root_path} itself")
        self.bpf, why = _seccomp_bpf()
        if why:
            self.notes.append(f"no seccomp filter ({why})")
        # every job's program is pid 2 of a pid namespace of its own: no pid outside it
        # (J, the evaluator, other candidates) can be told alive from free
        self.pid_namespace = False
        if self.is_root:
            why = pid_namespace_unavailable()
            self.pid_namespace = not why
            if why:
                self.notes.append(f"no pid namespace ({why}): live pids can be told from free ones")
        self._oom_seen = self._oom_count()

    def _open_limit(self, cgroup: Path | None, name: str) -> int | None:
        if cgroup is None:
            return None
        try:
            return os.open(cgroup / name, os.O_WRONLY)
        except OSError as exc:
            self.notes.append(f"cannot open {cgroup / name}: {exc.strerror}")
            return None

    def _set_limits(self, limits: JobLimits) -> list[str]:
        notes = []
        # + 1: J itself is in the pids cgroup too (a GPU sampling thread of J's counts
        # against the candidate's share); + 1 more for the placeholder pid 1 of the job's
        # pid namespace
        own = 1 + int(self.pid_namespace)
        values = (
            (self.pids_max, str(limits.pids + own) if limits.pids else "max"),
            (
                self.memory_limit,
                str((limits.memory_mb + MEMORY_CGROUP_HEADROOM_MB) << 20)
                if limits.memory_mb
                else "-1",
            ),
        )
        for fd, value in values:
            if fd is None:
                continue
            try:
                os.pwrite(fd, value.encode(), 0)
            except OSError as exc:
                notes.append(f"cannot set a cgroup limit to {value}: {exc.strerror}")
        return notes

    def child_jail(self, limits: JobLimits, timeout: float) -> dict[str, Any]:
        cpu = limits.cpu_seconds or math.ceil(timeout) + 1
        lim = JobLimits(limits.memory_mb, cpu, limits.file_mb, limits.open_files, limits.pids)
        rlimits = []
        for which, soft, hard in lim.rlimits():
            _s, cur = resource.getrlimit(which)
            if cur != resource.RLIM_INFINITY:
                soft, hard = min(soft, cur), min(hard, cur)
            rlimits.append((which, soft, hard))
        last_cap = 40
        with contextlib.suppress(OSError, ValueError), open("/proc/sys/kernel/cap_last_cap") as f:
            last_cap = int(f.read())
        return {
            "uid": self.uid,
            "gid": self.uid,
            "drop_capabilities": self.is_root,
            "cap_last_cap": last_cap,
            "no_new_privs": True,
            "rlimits": rlimits,
            "seccomp": self.bpf,
            "pid_namespace": self.pid_namespace,
        }

    def folder_fd(self, folder: Path) -> int:
        """The host's ``folder`` (``root`` or inside it), opened through the root's descriptor."""
        rel = os.path.relpath(folder, self.root_path)
        if rel.startswith(".."):
            raise errors.InvalidArgument(f"{folder} is not inside the jail's {self.root_path}")
        return os.open(rel, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=self.host)

    def prepare(self, at: Path, host: int) -> None:
        """A clean private /tmp, the job's folder at ``at`` in it, the host folder's files copied in."""
        if not self.private:
            return
        _wipe(_TMP)
        for parent in reversed(at.parents):
            if parent.is_relative_to(_TMP) and parent != _TMP and not parent.exists():
                parent.mkdir(mode=0o755)
        at.mkdir(mode=0o700)
        if self.uid is not None:
            os.chown(at, self.uid, self.uid)
        names = sorted(os.listdir(host))[:_MAX_COPY_FILES]
        for name in names:
            try:
                src = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=host)
            except OSError:
                continue
            try:
                st = os.fstat(src)
                if st.st_mode & 0o170000 != 0o100000:
                    continue
                # root's files: the candidate cannot edit its program or source
                mode = 0o755 if st.st_mode & 0o111 else 0o644
                dst = os.open(at / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                try:
                    _copy_fd(src, dst, _MAX_COPY_BYTES)
                finally:
                    os.close(dst)
            finally:
                os.close(src)

    def export(self, at: Path, host: int, names: Sequence[str]) -> list[str]:
        """Copy ``names`` (plain files the candidate made) from the private folder to the host's."""
        if not self.private:
            return [n for n in names if (at / n).is_file()]
        done = []
        for name in names:
            if "/" in name or name in ("", ".", ".."):
                continue
            try:
                src = _open_no_links(at / name)
            except OSError:
                continue
            try:
                if os.fstat(src).st_mode & 0o170000 != 0o100000:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(name, dir_fd=host)
                dst = os.open(
                    name,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                    0o755,
                    dir_fd=host,
                )
                try:
                    _copy_fd(src, dst, _MAX_COPY_BYTES)
                finally:
                    os.close(dst)
                done.append(name)
            finally:
                os.close(src)
        return done

    def _oom_count(self) -> int:
        if self.memory_cgroup is None:
            return 0
        try:
            for line in (self.memory_cgroup / "memory.oom_control").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill_leftovers(self, namespace_init: int = 0) -> int:
        """SIGKILL every process of the candidate still in the cgroup; how many there were.

        ``namespace_init``, the placeholder pid 1 of the job's pid namespace (J's
        own), is neither counted nor killed here.
        """
        if self.pids_cgroup is None:
            return 0
        mine = {os.getpid(), namespace_init}
        seen: set[int] = set()
        end = time.monotonic() + 5.0
        while time.monotonic() < end:
            pids = [p for p in PidsCgroup.pids(self.pids_cgroup) if p not in mine]
            if not pids:
                break
            for pid in pids:
                seen.add(pid)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.005)
        return len(seen)

    def job(self, req: Mapping[str, Any]) -> dict[str, Any]:
        from perfcount import _native
        from perfcount.counters.process import run

        folder = Path(req["folder"])
        at = Path(req["at"]) if self.private else folder
        if self.private and not at.is_relative_to(JAIL_ROOT):
            raise errors.InvalidArgument(f"a job's folder must be under {JAIL_ROOT}, not {at}")
        limits = JobLimits(**req["limits"])
        out: dict[str, Any] = {"sandbox": self._set_limits(limits)}
        res = None
        try:
            host = self.folder_fd(folder)
        except (OSError, errors.PerfcountError) as exc:
            out["error"] = {"type": "InvalidArgument", "message": f"cannot open {folder}: {exc}"}
            return out
        try:
            self.prepare(at, host)
            stdin = None if req.get("stdin") is None else base64.b64decode(req["stdin"])
            try:
                res = run(
                    req["argv"],
                    stdin=stdin,
                    timeout=req["timeout"],
                    events=req.get("events"),
                    backend=req.get("backend", "software"),
                    gpu=req.get("gpu", False),
                    cwd=at,
                    env=req["env"],
                    max_output=req.get("max_output", 16 << 20),
                    kill_grace=req.get("kill_grace", 0.5),
                    jail=self.child_jail(limits, float(req["timeout"])),
                )
            except errors.PerfcountError as exc:
                out["error"] = {
                    "type": type(exc).__name__,
                    "message": exc.message,
                    "hint": exc.hint,
                }
            out["left_behind"] = self.kill_leftovers(res.namespace_init if res else 0)
            if res is not None and res.namespace_init:
                # after the look for what the program left: the kernel kills the rest now
                _native.end_pid_namespace(res.namespace_init)
            oom = self._oom_count()
            out["oom_killed"] = oom > self._oom_seen
            self._oom_seen = oom
            if res is not None:
                out["result"] = _encode(res)
                if res.returncode == 0 and req.get("export"):
                    out["exported"] = self.export(at, host, req["export"])
        finally:
            os.close(host)
        return out


def main() -> int:
    """J: read the setup line, set up, answer it; then one JSON line per job until EOF."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer

    def say(message: Mapping[str, Any]) -> None:
        stdout.write(json.dumps(message, allow_nan=False).encode() + b"\n")
        stdout.flush()

    line = stdin.readline()
    if not line:
        return 0
    try:
        jailer = _Jailer(json.loads(line))
    except Exception as exc:  # reported to the evaluator, which raises it
        say({"fatal": f"{type(exc).__name__}: {exc}"})
        return 1
    say({"sandbox": jailer.notes, "uid": jailer.uid, "private": jailer.private})
    for line in stdin:
        try:
            reply = jailer.job(json.loads(line))
        except Exception as exc:  # J's own failure (a full /tmp, a bug): this job's, not J's end
            jailer.kill_leftovers()
            reply = {"error": {"type": "BackendError", "message": f"the jail failed: {exc!r}"}}
        say(reply)
    jailer.kill_leftovers()
    return 0


if __name__ == "__main__":
    sys.exit(main())
