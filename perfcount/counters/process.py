"""Counting a child process in any language: ``perfcount.run(argv)``.

What ``perf stat`` does: fork; the child waits on a pipe while the parent
attaches the counter group to it (``enable_on_exec`` + ``inherit``); then it
execs. So the whole process tree from exec to exit is counted — grandchildren
included — and perfcount's own setup is not. Output is captured up to a bound
(truncation is flagged), stdin is fed without deadlock, the child runs in its
own process group and a timeout kills that whole group (SIGTERM, then SIGKILL
after ``kill_grace`` seconds). The GIL is released while waiting.

With ``capture=False`` from the foreground of a terminal the child stays in
perfcount's process group instead, as under ``perf stat``: it can read the
terminal (interactive programs, pagers, editors) and Ctrl-C/Ctrl-Z reach it;
a timeout then signals the command itself, not its descendants. A child that
is stopped for touching the terminal from a background group (SIGTTIN /
SIGTTOU) is killed and reported as a :class:`CandidateError` instead of
hanging. The child is reaped only once everything is done, so no signal can
reach an unrelated process that reused its pid.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from perfcount.counters import callgrind, qemu
from perfcount.counters.events import parse_events
from perfcount.counters.region import Counts, _resolve
from perfcount.errors import BackendError, InvalidArgument

__all__ = [
    "DEFAULT_MAX_OUTPUT",
    "ProcessResult",
    "QemuProcessResult",
    "run",
    "run_callgrind",
    "run_qemu",
]

#: bytes of stdout and of stderr kept by default (the rest is read and dropped)
DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024

# the longest timeout / kill grace the native side accepts (deadlines are int64 ns)
_MAX_SECONDS = 1e9


@dataclass(frozen=True)
class ProcessResult:
    """What one counted run of a command did.

    ``returncode`` is the exit status, or ``-N`` when killed by signal ``N``
    (then ``signal`` is ``N``); ``None`` when the status was lost because
    something else reaped the child (``SIGCHLD`` ignored, a ``waitpid(-1)``
    elsewhere) — the counts are still valid, ``max_rss``/``user_ns``/
    ``system_ns`` are then 0. ``wall_ns`` runs from the go signal (just
    before exec) to the exit being reaped; ``max_rss`` is the peak resident
    set in bytes (``wait4``); ``user_ns``/``system_ns`` are CPU times of the
    process and its reaped descendants.
    """

    argv: tuple[str, ...]
    counts: Counts
    returncode: int | None
    signal: int | None = None
    wall_ns: int = 0
    max_rss: int = 0
    stdout: bytes = field(default=b"", repr=False)
    stderr: bytes = field(default=b"", repr=False)
    timed_out: bool = False
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    user_ns: int = 0
    system_ns: int = 0
    pid: int = 0
    #: descendants kept the output pipes open after the command exited and were killed
    killed_lingering: bool = False
    #: with a jail's ``pid_namespace``: the placeholder pid 1 of the program's pid
    #: namespace, still alive; the caller (the jail) ends it with
    #: ``_native.end_pid_namespace`` once it has looked for what was left behind
    namespace_init: int = field(default=0, repr=False)

    @property
    def ok(self) -> bool:
        """Exited with status 0 within the time limit."""
        return self.returncode == 0 and not self.timed_out

    @property
    def truncated(self) -> bool:
        """Whether stdout or stderr exceeded the capture limit."""
        return self.stdout_truncated or self.stderr_truncated

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; output is decoded as UTF-8 with replacement."""
        return {
            "argv": list(self.argv),
            "counts": self.counts.to_dict(),
            "returncode": self.returncode,
            "signal": self.signal,
            "wall_ns": self.wall_ns,
            "max_rss": self.max_rss,
            "user_ns": self.user_ns,
            "system_ns": self.system_ns,
            "timed_out": self.timed_out,
            "stdout": self.stdout.decode("utf-8", "replace"),
            "stderr": self.stderr.decode("utf-8", "replace"),
            "stdout_truncated": self.stdout_truncated,
            "stderr_truncated": self.stderr_truncated,
        }


def _argv(argv: str | Sequence[str | os.PathLike[str]]) -> list[str]:
    if isinstance(argv, str):
        parts = shlex.split(argv)
    elif isinstance(argv, (bytes, bytearray)) or not isinstance(argv, Sequence):
        raise InvalidArgument(
            f"argv must be a list of strings, not {type(argv).__name__}",
            hint="pass e.g. ['python', '-c', 'pass']",
        )
    else:
        parts = []
        for a in argv:
            if not isinstance(a, (str, os.PathLike)):
                raise InvalidArgument(
                    f"argv items must be strings or paths, not {type(a).__name__}",
                    hint="convert numbers with str()",
                )
            parts.append(os.fspath(a))
    if not parts or not parts[0]:
        raise InvalidArgument("the command is empty", hint="pass the program and its arguments")
    for a in parts:
        if "\0" in a:
            raise InvalidArgument("argv items must not contain NUL bytes")
    return parts


def _env(env: Mapping[str, str] | None) -> list[str] | None:
    if env is None:
        return None
    if not isinstance(env, Mapping):
        raise InvalidArgument(
            f"env must be a mapping of str to str, not {type(env).__name__}",
            hint="pass a dict, e.g. {**os.environ, 'OMP_NUM_THREADS': '1'}",
        )
    out = []
    for k, v in env.items():
        if not isinstance(k, str) or not isinstance(v, str) or not k or "=" in k:
            raise InvalidArgument(
                f"bad environment entry {k!r}={v!r}",
                hint="names are non-empty strings without '=', values are strings",
            )
        out.append(f"{k}={v}")
    return out


def run(
    argv: str | Sequence[str | os.PathLike[str]],
    *,
    stdin: bytes | str | None = None,
    timeout: float | None = None,
    events: str | Sequence[str] | None = None,
    backend: str = "auto",
    gpu: bool | str = False,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    max_output: int = DEFAULT_MAX_OUTPUT,
    capture: bool = True,
    kill_grace: float = 1.0,
    jail: Mapping[str, Any] | None = None,
) -> ProcessResult:
    """Run ``argv`` and count its events from exec to exit.

    ``stdin``: bytes or str (UTF-8) fed to the command, or ``None`` for
    ``/dev/null``. ``capture=False`` lets the command share this process's
    stdin/stdout/stderr instead (what ``perf stat`` does; ``stdin`` must be
    ``None`` then). ``events``/``backend`` as in :func:`perfcount.measure`.
    A command that cannot be started raises :class:`CandidateError` naming it
    and the OS error; a timeout is a result (``timed_out=True``), not an error.
    ``backend="valgrind"`` runs the whole tree under callgrind and reports the
    summed ``instructions`` (see :func:`run_callgrind`); ``backend="qemu"``
    under qemu-user with perfcount's counting plugin (see :func:`run_qemu`).
    ``jail``: privileges the child gives up between fork and exec, uncounted
    (uid/gid, capabilities, no_new_privs, rlimits, a seccomp BPF program; the
    keys of ``_native.run_counted``'s ``jail``), as
    :mod:`perfcount.execute.jail` passes them.
    """
    parts = _argv(argv)
    if backend == "qemu":
        return run_qemu(
            parts,
            stdin=stdin,
            timeout=timeout,
            events=events,
            gpu=gpu,
            cwd=cwd,
            env=env,
            max_output=max_output,
            capture=capture,
            kill_grace=kill_grace,
            jail=jail,
        )
    if backend == "valgrind":
        return run_callgrind(
            parts,
            stdin=stdin,
            timeout=timeout,
            events=events,
            gpu=gpu,
            cwd=cwd,
            env=env,
            max_output=max_output,
            capture=capture,
            kill_grace=kill_grace,
            jail=jail,
        )
    used, reason, parsed = _resolve(events, backend)
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not 0 < timeout <= _MAX_SECONDS
    ):
        raise InvalidArgument(
            f"timeout must be a positive, finite number of seconds, got {timeout!r}",
            hint="pass e.g. timeout=10, or None for no limit",
        )
    if isinstance(max_output, bool) or not isinstance(max_output, int) or max_output < 0:
        raise InvalidArgument(f"max_output must be an int >= 0, got {max_output!r}")
    if (
        isinstance(kill_grace, bool)
        or not isinstance(kill_grace, (int, float))
        or not 0 <= kill_grace <= _MAX_SECONDS
    ):
        raise InvalidArgument(
            f"kill_grace must be a finite number of seconds >= 0, got {kill_grace!r}"
        )
    data: bytes | None
    if stdin is None:
        data = None
    elif isinstance(stdin, str):
        data = stdin.encode()
    elif isinstance(stdin, (bytes, bytearray, memoryview)):
        data = bytes(stdin)
    else:
        raise InvalidArgument(
            f"stdin must be bytes, str or None, not {type(stdin).__name__}",
            hint="read a file's content first: stdin=path.read_bytes()",
        )
    if not capture and data is not None:
        raise InvalidArgument(
            "stdin data needs capture=True", hint="drop stdin=, or keep capture=True"
        )
    mode = "inherit" if not capture else ("pipe" if data is not None else "devnull")
    cwd_s = None if cwd is None else os.fspath(cwd)

    # GPU metrics with GpuMeter's policy: gpu=True gives a reason instead of
    # metrics (no GPU, a failed start, the GPU lost mid-run) and the child's
    # results stand; "required" raises GpuError.
    meter = None
    gpu_data: dict[str, Any] | None = None
    gpu_reason: str | None = None
    if gpu:
        try:
            from perfcount.counters.gpu import GpuMeter
        except ImportError:
            gpu_reason = "GPU support is not available in this build"
        else:
            meter = GpuMeter(gpu)  # "required" without a usable GPU raises here
            if meter.sampler is None:
                gpu_reason = meter.reason
                meter = None
    from perfcount import _native

    raw: dict[str, Any] = {}
    try:
        if meter is not None:
            meter.start()
        raw = _native.run_counted(
            parts,
            [e.native() for e in parsed],
            stdin=data,
            stdin_mode=mode,
            capture=capture,
            timeout=None if timeout is None else float(timeout),
            cwd=cwd_s,
            env=_env(env),
            max_output=max_output,
            kill_grace=float(kill_grace),
            jail=None if jail is None else dict(jail),
        )
        if meter is not None:
            gpu_data, gpu_reason = meter.stop()
        return _process_result(parts, parsed, raw, used, reason, gpu_data, gpu_reason)
    except BaseException:
        # a jail's pid namespace is the caller's only with the result it comes in
        _native.end_pid_namespace(raw.get("namespace_init", 0))
        raise
    finally:
        if meter is not None:
            meter.close()


def _process_result(
    parts: list[str],
    parsed: list[Any],
    raw: dict[str, Any],
    used: str,
    reason: str | None,
    gpu_data: dict[str, Any] | None,
    gpu_reason: str | None,
) -> ProcessResult:
    names = [e.name for e in parsed]
    values = {n: v for n, v in zip(names, raw["values"]) if v is not None}
    counts = Counts(
        data=values,
        backend=used,
        scaled=frozenset(n for i, n in enumerate(names) if raw["scaled"] >> i & 1),
        not_counted=frozenset(n for i, n in enumerate(names) if raw["not_counted"] >> i & 1),
        overhead={},
        gpu=gpu_data,
        gpu_reason=gpu_reason,
        backend_reason=reason,
    )
    return ProcessResult(
        argv=tuple(parts),
        counts=counts,
        returncode=raw["returncode"],
        signal=raw["signal"],
        wall_ns=raw["wall_ns"],
        max_rss=raw["max_rss"],
        stdout=raw["stdout"],
        stderr=raw["stderr"],
        timed_out=raw["timed_out"],
        stdout_truncated=raw["stdout_truncated"],
        stderr_truncated=raw["stderr_truncated"],
        user_ns=raw["user_ns"],
        system_ns=raw["system_ns"],
        pid=raw["pid"],
        killed_lingering=raw["killed_lingering"],
        namespace_init=raw.get("namespace_init", 0),
    )


def run_callgrind(
    argv: Sequence[str],
    *,
    stdin: bytes | str | None = None,
    timeout: float | None = None,
    events: Any = None,
    gpu: bool | str = False,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    max_output: int | None = None,
    capture: bool = True,
    kill_grace: float = 1.0,
    jail: Mapping[str, Any] | None = None,
) -> Any:
    """Run ``argv`` under ``valgrind --tool=callgrind --trace-children=yes``.

    Every process of the tree writes its own ``cg.<pid>`` profile; their
    ``totals:`` lines (callgrind's ``Ir``, read instead of ``summary:``,
    which valgrind 3.19 can get wrong) are summed into ``instructions``.
    Address-space randomisation is switched off (``setarch -R``) so repeated
    runs give identical counts. ``timeout`` is wall seconds of the valgrind
    run (code runs ~50x slower there); ``wall_ns``/``max_rss`` are those of
    valgrind. Returns a :class:`perfcount.counters.process.ProcessResult` whose
    counts have backend ``"valgrind"``; a program that dies by a signal
    makes valgrind die by it too, so ``signal`` is the program's. With a
    ``jail`` uid the dump folder belongs to that uid (valgrind runs as it).
    """
    if events is not None and [e.name for e in parse_events(events)] != ["instructions"]:
        raise InvalidArgument(
            "backend='valgrind' counts instructions only",
            hint="drop events=, or use backend='perf'/'software' for other events",
        )
    callgrind.require_valgrind()
    out_dir = Path(tempfile.mkdtemp(prefix="perfcount-cg-"))
    try:
        if jail is not None and jail.get("uid") is not None:
            os.chown(out_dir, int(jail["uid"]), int(jail.get("gid", jail["uid"])))
        wrapped = callgrind.tree_argv(out_dir, argv)
        res = run(
            wrapped,
            stdin=stdin,
            timeout=timeout,
            events="task-clock",
            backend="software",
            gpu=gpu,
            cwd=cwd,
            env=env,
            max_output=DEFAULT_MAX_OUTPUT if max_output is None else max_output,
            capture=capture,
            kill_grace=kill_grace,
            jail=jail,
        )
        totals: list[int] = []
        for f in sorted(out_dir.glob("cg.*")):
            data = callgrind.read_dump_file(f)  # a planted FIFO or link is skipped, not read
            if data is not None:
                totals.extend(callgrind.dump_totals(data))
        if not totals and not res.timed_out and res.signal is None:
            raise BackendError(
                f"callgrind wrote no profile for {argv[0]!r} (exit status {res.returncode}): "
                + res.stderr.decode("utf-8", "replace").strip()[-1500:],
                hint="check that the program runs natively; valgrind must be able to start it",
            )
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    values = {"instructions": float(sum(totals))} if totals else {}
    counts = Counts(
        data=values,
        backend="valgrind",
        not_counted=frozenset() if totals else frozenset({"instructions"}),
        gpu=res.counts.gpu,
        gpu_reason=res.counts.gpu_reason,
        backend_reason=f"callgrind Ir summed over {len(totals)} process(es)",
    )
    return _recounted(res, argv, counts, ProcessResult)


R = TypeVar("R", bound=ProcessResult)


def _recounted(
    res: ProcessResult, argv: Sequence[str], counts: Counts, cls: type[R], **extra: Any
) -> R:
    """``res`` (the run of the wrapper: valgrind, qemu) as a ``cls`` with ``argv``'s counts."""
    kept = {f.name: getattr(res, f.name) for f in dataclasses.fields(ProcessResult)}
    kept.update(argv=tuple(argv), counts=counts)
    return cls(**kept, **extra)


@dataclass(frozen=True)
class QemuProcessResult(ProcessResult):
    """A :class:`ProcessResult` of :func:`run_qemu`, with what each process reported.

    ``processes`` are the plugin's verified records (root first): pid, parent,
    instructions, forks, threads, re-arm attempts, how it ended.
    ``complete`` is False when the tree's count is not whole (``problems``
    says why; ``counts`` then has no ``instructions``). ``qemu`` is the
    machine metadata of the run (qemu version, emulated CPU model).
    """

    processes: tuple[qemu.Record, ...] = ()
    problems: tuple[str, ...] = ()
    qemu: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return bool(self.processes) and not self.problems

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["processes"] = [r.to_dict() for r in self.processes]
        out["problems"] = list(self.problems)
        out["qemu"] = dict(self.qemu)
        return out


def run_qemu(
    argv: Sequence[str],
    *,
    stdin: bytes | str | None = None,
    timeout: float | None = None,
    events: Any = None,
    gpu: bool | str = False,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    max_output: int | None = None,
    capture: bool = True,
    kill_grace: float = 1.0,
    cpu: str = qemu.CPU_MODEL,
    jail: Mapping[str, Any] | None = None,
    budget: int | None = None,
) -> QemuProcessResult:
    """Run ``argv`` under ``qemu-x86_64`` with perfcount's instruction-counting plugin.

    Every process of the tree is counted from its first instruction (the
    root) or its fork (children) to its exit, and reports an authenticated
    record; ``instructions`` is their sum, ``processes`` the records. The
    emulated CPU is pinned (``cpu``, :data:`perfcount.counters.qemu.CPU_MODEL`)
    so counts do not depend on the host CPU. ``#!`` scripts run under their
    interpreter. A program that calls execve is killed (qemu-user would run
    the new program natively, uncounted): count the final program directly.
    When the count is not whole (a process killed by a signal or the timeout
    before its exit, an exec), ``instructions`` is not counted and
    ``problems``/``counts.backend_reason`` say why; a record the program
    forged raises :class:`CandidateError`. ``timeout`` is wall seconds of the
    qemu run; ``budget`` the instructions each process may run (the plugin
    kills one that goes over, its record says ``end=budget``); ``QEMU_*``
    variables are removed from the environment (qemu would read them as
    options).
    """
    if events is not None and [e.name for e in parse_events(events)] != ["instructions"]:
        raise InvalidArgument(
            "backend='qemu' counts instructions only",
            hint="drop events=, or use backend='perf'/'software' for other events",
        )
    qemu_path, _ = qemu.check_available()
    program, guest = qemu.resolve_program(list(argv), cwd=cwd, env=env)
    with qemu.Channel() as channel:
        key_fd = channel.key_fd()
        try:
            # run() execs the command with this process's inheritable fds: these two reach qemu
            os.set_inheritable(key_fd, True)
            os.set_inheritable(channel.write_fd, True)
            wrapped = qemu.qemu_argv(
                channel,
                key_fd,
                program,
                guest,
                arm_start=True,
                budget=budget,
                cpu=cpu,
                qemu=qemu_path,
                env=env,
            )
            res = run(
                wrapped,
                stdin=stdin,
                timeout=timeout,
                events="task-clock",
                backend="software",
                gpu=gpu,
                cwd=cwd,
                env=qemu.guest_env(env),
                max_output=DEFAULT_MAX_OUTPUT if max_output is None else max_output,
                capture=capture,
                kill_grace=kill_grace,
                jail=jail,
            )
        finally:
            os.close(key_fd)
            os.set_inheritable(channel.write_fd, False)
        records = channel.read(final=True)
    counted = qemu.tree(records, tag=0)
    if not records and res.returncode == 1 and b"qemu" in res.stderr[:4096]:
        raise BackendError(
            f"qemu could not start {argv[0]!r}: "
            + res.stderr.decode("utf-8", "replace").strip()[-1500:],
            hint="qemu-x86_64 runs x86-64 ELF programs (and #! scripts through their interpreter)",
        )
    how = f"qemu-x86_64 -cpu {cpu} + perfcount's plugin"
    if counted.complete:
        values = {"instructions": float(counted.instructions)}
        reason = f"{how}: instructions summed over {len(counted.processes)} process(es)"
    else:
        values = {}
        reason = f"{how}: the count is not whole: " + "; ".join(counted.problems)
    counts = Counts(
        data=values,
        backend="qemu",
        not_counted=frozenset() if values else frozenset({"instructions"}),
        gpu=res.counts.gpu,
        gpu_reason=res.counts.gpu_reason,
        backend_reason=reason,
    )
    return _recounted(
        res,
        argv,
        counts,
        QemuProcessResult,
        processes=counted.processes,
        problems=counted.problems,
        qemu={"cpu": cpu, "path": qemu_path, "version": qemu.describe().get("version")},
    )
