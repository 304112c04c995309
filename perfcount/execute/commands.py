"""Candidates that are commands in any language: build, run, check, count.

A *command task* (``Task.run`` set; ``Task.language`` e.g. ``"c"``, ``"cpp"``)
has candidates that are source files. Each candidate is

1. **built** in its own temporary folder with the task's ``build`` argv
   template (``{src}`` the source file, ``{bin}`` the output program, ``{dir}``
   the folder; a language default when the task gives none), under a build
   time limit. A failing build is the status ``build_failed`` with the
   compiler's output in the error;
2. **run** once per workload input, each input being one process: its
   ``stdin`` payload and extra ``args`` appended to the ``run`` template
   (default ``["{bin}"]``). The whole process tree is counted with
   :func:`perfcount.run` (``perf_event`` with ``inherit``, from exec to exit),
   or, with the ``valgrind`` backend, run under ``callgrind
   --trace-children=yes`` with the ``totals:`` of every process summed
   (:func:`perfcount.counters.process.run_callgrind`). The cost of a workload is the sum over its inputs;
3. **checked** by comparing stdout with the expected output of each test
   (``compare``: ``exact`` bytes, ``lines`` (trailing spaces and blank lines at
   the end ignored), ``whitespace`` (the default: the same whitespace-separated
   tokens) or ``float`` (tokens, numbers equal within ``atol``/``rtol``)).

Statuses and their classification are the Python runner's
(:func:`perfcount.execute.candidate.classify`: ``ok``, ``failed`` for wrong
output or a non-zero exit, ``timeout``, ``memory`` for a process that ran out
of memory, ``crashed`` for death by a signal, ``output_too_large``) plus
``build_failed``. :class:`CommandRunner` is a
:class:`perfcount.execute.candidate.CandidateRunner` like
:class:`perfcount.execute.runner.Runner`, so evaluation and curation treat both
alike.

Input items (``pe_input``, ``tests``) are a string (the stdin text) or an
object ``{"stdin": str, "args": [str, ...]}`` (``"stdin_base64"`` for binary
payloads). Expected outputs are stdout strings.

Builds are kept in a :class:`BuildCache`, keyed by the build recipe and the
source's digest: a source is built once per cache, and the runners of one
:class:`perfcount.execute.pool.RunnerPool` share one cache.

Sandbox (``sandbox=True``, the default): every build and every process is a
job of the runner's jail process (:mod:`perfcount.execute.jail`): new
namespaces (no network, every mount read-only, a private tmpfs ``/tmp``
holding the build folder at a fixed path), pids and memory cgroups killed
after each job, a uid of its own without capabilities, rlimits (builds:
:data:`~perfcount.execute.jail.BUILD_MEMORY_MB` of address space per process
and a CPU limit), the seccomp deny list and an allowlisted environment
(:func:`~perfcount.execute.jail.environment`). Compiler messages located in
files outside the build folder are left out of the stored error. Without
root the steps that need it are skipped and ``Profile.sandbox`` says so.
``sandbox=False`` builds and runs as this user in a process group with a
timeout only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from perfcount._util import plain, stats
from perfcount.counters.backends import Backend, select
from perfcount.dpe.commands import fill_template
from perfcount.errors import BackendError, InvalidArgument, PerfcountError
from perfcount.execute import jail as _jail
from perfcount.execute.candidate import (
    BUILD_FAILED,
    Check,
    Failure,
    Profile,
    RunnerBase,
    classify,
    failed_tests,
    require_instruction_metric,
)
from perfcount.execute.sandbox import DEFAULT_TIMEOUT, Limits

__all__ = [
    "COMPARE_MODES",
    "LANGUAGES",
    "BuildCache",
    "BuildResult",
    "CommandInput",
    "CommandRunner",
    "CommandSpec",
    "compare_output",
    "gpu_cost",
    "parse_input",
]

from perfcount.dpe.commands import (  # noqa: F401  (re-exported: the runner's vocabulary)
    COMPARE_MODES,
    DEFAULT_BUILD_TIMEOUT,
    LANGUAGES,
    CommandInput,
    CommandSpec,
    compare_output,
    parse_input,
)

_SHOWN = 1500  # characters of compiler output / stderr kept in an error


# --------------------------------------------------------------------------
# building


@dataclass(frozen=True)
class BuildResult:
    """One build: ``ok``, the folder, the program, the compiler output, seconds taken."""

    ok: bool
    directory: Path
    source: Path
    program: Path | None
    output: str = ""
    seconds: float = 0.0
    timed_out: bool = False
    argv: tuple[str, ...] = ()
    #: why the build was stopped (out of memory, CPU time), when it was
    why: str = ""
    #: sandbox steps that did not apply to the build
    sandbox: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One line: the compiler's first error line (or the first line of its output)."""
        if self.ok:
            return ""
        if self.timed_out:
            return "the build timed out"
        if self.why:
            return f"build failed: {self.why}"
        lines = [ln.strip() for ln in self.output.splitlines() if ln.strip()]
        # the compiler's first error; else the note that messages about outside files were left out
        left_out = [ln for ln in lines if ln.startswith("(") and "left out" in ln]
        fallback = left_out[0] if left_out else (lines[0] if lines else "")
        first = next((ln for ln in lines if "error" in ln.lower()), fallback)
        return f"build failed: {first}" if first else "build failed"

    @property
    def error(self) -> str:
        if self.ok:
            return ""
        what = (
            "the build timed out"
            if self.timed_out
            else f"the build failed ({' '.join(self.argv[:1])}"
            + (f": {self.why})" if self.why else ")")
        )
        text = self.output.strip()
        if len(text) > _SHOWN:
            text = "..." + text[-_SHOWN:]
        return f"{what}:\n{text}" if text else what


def build(
    spec: CommandSpec,
    source: str,
    directory: str | os.PathLike[str],
    *,
    sandbox: bool = True,
    jail: _jail.Jail | None = None,
) -> BuildResult:
    """Write ``source`` into ``directory`` and build it with ``spec.build`` (no counting).

    ``sandbox``: the compiler runs in a jail (:mod:`perfcount.execute.jail`):
    its own uid, read-only mounts, a private ``/tmp``, no network,
    :data:`~perfcount.execute.jail.BUILD_MEMORY_MB` of address space and
    ``build_timeout`` + 1 s of CPU per process, the allowlisted environment;
    only the program comes back to ``directory``. Its messages about files
    outside the folder are left out (:func:`~perfcount.execute.jail.scrub_build_output`).
    ``jail``: a running jail whose root holds ``directory`` (else one is
    started for this build).
    """
    if not isinstance(source, str):
        raise InvalidArgument(f"a command candidate is source text, not {type(source).__name__}")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / spec.source_name
    src.write_text(source, encoding="utf-8")
    if spec.build is None:
        return BuildResult(True, folder, src, None)
    program = folder / "candidate"
    # relative names (the build runs in the folder): compiler messages read "main.c:3:5: ..."
    argv = fill_template(spec.build, {"src": src.name, "bin": f"./{program.name}", "dir": "."})
    _require_tool(argv[0], spec, sandbox)
    t0 = time.monotonic()
    if sandbox:
        return _jailed_build(spec, folder, src, program, argv, t0, jail)
    env = {**os.environ, **(spec.env or {}), "LC_ALL": "C"}
    proc = subprocess.Popen(
        argv,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=spec.build_timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    seconds = time.monotonic() - t0
    text = _jail.scrub_build_output(out.decode("utf-8", "replace"), folder)
    ok = not timed_out and proc.returncode == 0 and program.is_file()
    if not timed_out and proc.returncode == 0 and not program.is_file():
        text += f"\n(the build succeeded but wrote no {program.name}; does it use {{bin}}?)"
    return BuildResult(
        ok, folder, src, program if ok else None, text, seconds, timed_out, tuple(argv)
    )


def _require_tool(name: str, spec: CommandSpec, sandbox: bool) -> None:
    """A clear error when the build command is missing (from the jail's PATH, when jailed)."""
    if os.path.isfile(name):
        return
    path = (spec.env or {}).get("PATH", _jail.PATH) if sandbox else None
    if shutil.which(name, path=path) is not None:
        return
    found = shutil.which(name)
    if sandbox and found is not None:
        raise BackendError(
            f"the build command {name!r} is at {found}, outside the sandbox's PATH ({path})",
            hint="install it system-wide (a folder every user can read), set PATH in the "
            "task's env, or pass sandbox=False",
        )
    raise BackendError(
        f"the build command {name!r} is not installed",
        hint=f"install it (e.g. apt-get install {'g++' if name == 'g++' else name}) "
        "or change the task's build template",
    )


_OUT_OF_MEMORY = ("out of memory", "virtual memory exhausted", "Cannot allocate memory")


def _jailed_build(
    spec: CommandSpec,
    folder: Path,
    src: Path,
    program: Path,
    argv: list[str],
    t0: float,
    jail: _jail.Jail | None,
) -> BuildResult:
    limits = _jail.JobLimits(
        memory_mb=_jail.BUILD_MEMORY_MB,
        cpu_seconds=math.ceil(spec.build_timeout) + 1,
        file_mb=64,
        pids=128,
    )
    with contextlib.suppress(FileNotFoundError):
        program.unlink()
    try:
        with contextlib.ExitStack() as stack:
            if jail is None or not jail.alive:
                jail = stack.enter_context(_jail.Jail(folder.parent))
            at = jail.inside(folder)
            job = jail.run(
                argv,
                folder=folder,
                limits=limits,
                stdin=None,
                timeout=spec.build_timeout,
                env=_jail.environment(at, spec.env, build=True),
                export=[program.name],
            )
    except PerfcountError as exc:
        return BuildResult(
            False, folder, src, None, str(exc), time.monotonic() - t0, argv=tuple(argv)
        )
    res = job.result
    seconds = time.monotonic() - t0
    raw = (res.stdout + res.stderr).decode("utf-8", "replace")
    text = _jail.scrub_build_output(raw, at)
    why = ""
    if job.oom_killed or any(m in raw for m in _OUT_OF_MEMORY):
        why = (
            f"it ran out of memory (the build may use {_jail.BUILD_MEMORY_MB} MiB of "
            "address space per process)"
        )
    elif res.signal == signal.SIGXCPU or (res.signal == signal.SIGKILL and not res.timed_out):
        why = f"it exceeded its CPU-time limit ({limits.cpu_seconds} s) or was killed"
    elif job.left_behind:
        n = job.left_behind
        why = f"it left {n} process{'es' if n != 1 else ''} running (killed)"
    ok = res.ok and not job.left_behind and program.name in job.exported and program.is_file()
    if res.ok and not why and not ok:
        text += f"\n(the build succeeded but wrote no {program.name}; does it use {{bin}}?)"
    return BuildResult(
        ok,
        folder,
        src,
        program if ok else None,
        text,
        seconds,
        res.timed_out,
        tuple(argv),
        why if not ok else "",
        job.sandbox,
    )


class BuildCache:
    """Built command candidates, each built once: keyed by the build recipe and the source.

    The key is the digest of the spec's language, build template, source file
    name and environment plus the source text, so runners of different specs
    may share a cache and never see each other's programs. ``sandbox``: builds
    run in a jail (see :func:`build`). Thread-safe: two
    threads asking for the same build wait for one compiler run. ``close()``
    removes every build folder.
    """

    def __init__(self, *, sandbox: bool = True) -> None:
        self.sandbox = sandbox
        self.directory = Path(tempfile.mkdtemp(prefix="perfcount-cmd-"))
        self._done: dict[str, BuildResult] = {}
        self._building: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.closed = False

    @staticmethod
    def key(spec: CommandSpec, source: str) -> str:
        recipe = json.dumps(
            [spec.language, spec.build, spec.source_name, dict(spec.env or {})], sort_keys=True
        )
        return hashlib.sha256(f"{recipe}\0{source}".encode()).hexdigest()[:20]

    def build(
        self, spec: CommandSpec, source: str, *, jail: _jail.Jail | None = None
    ) -> BuildResult:
        """``source`` built with ``spec`` (the first call builds, later ones reuse it).

        ``jail``: the caller's running jail over :attr:`directory` (sandboxed caches).
        """
        if not isinstance(source, str):
            raise InvalidArgument(
                f"a command candidate is source text, not {type(source).__name__}"
            )
        key = self.key(spec, source)
        with self._lock:
            if self.closed:
                raise InvalidArgument("this CommandRunner is closed", hint="create a new one")
            done = self._done.get(key)
            if done is not None:
                return done
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                done = self._done.get(key)
            if done is None:
                if self.sandbox:
                    done = build(spec, source, self.directory / key, jail=jail)
                else:
                    done = build(spec, source, self.directory / key, sandbox=False)
                with self._lock:
                    self._done[key] = done
        return done

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._done.clear()
        shutil.rmtree(self.directory, ignore_errors=True)


# --------------------------------------------------------------------------
# the runner


_GPU_METRICS = ("gpu_energy_mj", "gpu_time_ns")


def gpu_cost(metric: str, gpu: Mapping[str, Any] | None) -> float | None:
    """A GPU metric from a run's NVML window (``Counts.gpu``), ``None`` when unknown.

    ``gpu_energy_mj``: the window's energy (``energy_mj``, from the energy
    counter or integrated power, as :mod:`perfcount.counters.gpu` reports it).
    ``gpu_time_ns``: GPU busy time, estimated as the window's ``duration_ns`` x
    ``mean_util_pct`` / 100 (NVML utilisation is the share of each sample
    period during which a kernel was executing), summed over the selected GPUs
    by the sampler's mean.
    """
    if not gpu:
        return None
    if metric == "gpu_energy_mj":
        value = gpu.get("energy_mj")
        return None if value is None else float(value)
    if metric == "gpu_time_ns":
        duration, util = gpu.get("duration_ns"), gpu.get("mean_util_pct")
        if duration is None or util is None:
            return None
        return float(duration) * float(util) / 100.0
    raise InvalidArgument(f"unknown GPU metric {metric!r}", hint=", ".join(_GPU_METRICS))


def _with_build_timeout(spec: CommandSpec, build_timeout: float | None) -> CommandSpec:
    if build_timeout is None:
        return spec
    fields = asdict(spec)
    fields.pop("language")
    fields["build_timeout"] = build_timeout
    return CommandSpec.create(spec.language, **fields)


def _process(done: Any) -> Any:
    """The ProcessResult of a run, jailed (a JobResult) or not."""
    return done.result if isinstance(done, _jail.JobResult) else done


class CommandRunner(RunnerBase):
    """Build, run, check and count command candidates of one task.

    ``task`` is a :class:`~perfcount.dpe.datasets.Task` with ``run`` (or a
    :class:`CommandSpec`). ``backend``: ``auto``, ``perf``, ``valgrind`` or
    ``software``, resolved by :func:`perfcount.counters.backends.select`, whose
    backend object gives the events, the repeats (software default 5: the
    workload runs that many times and the median cost is kept) and the
    timeout factor (50 under valgrind). ``metric``: an event the backend
    counts (``instructions``, ``cycles``, ``task-clock``, ...), ``wall_ns``, or
    ``gpu_energy_mj`` / ``gpu_time_ns`` (NVML, see :func:`gpu_cost`; needs a
    GPU, else :class:`GpuError`). The default metric is the backend's
    (``instructions`` for perf/valgrind, ``task-clock`` (ns) for software); a
    task may name its own in ``Task.extra["metric"]`` (e.g. a GPU task:
    ``gpu_energy_mj``), which ``metric=`` overrides. ``timeout`` is native
    seconds per input process. ``verify=False`` defers the check that the
    backend works here to the first :meth:`profile`. Builds go to ``builds``
    (a :class:`BuildCache` shared with other runners) or to a cache of this
    runner's own, removed by ``close()``.

    ``sandbox=True`` (default) builds and runs every candidate in a jail
    (:mod:`perfcount.execute.jail`; one jail process per runner, started on
    first use, each build and each process a job of its own in a clean
    private ``/tmp``, the cgroups killed after every job);
    ``memory_mb`` is then each process's address space (plus what valgrind or
    qemu map themselves) and, + 768 MiB, the memory cgroup of its tree. A run
    that leaves processes behind is ``failed``. ``sandbox=False``: as this
    user, in a process group with the timeout only.

    A :class:`perfcount.execute.candidate.CandidateRunner`: ``profile(source,
    entry_point, inputs)`` and ``check(source, entry_point, tests, expected)``
    (``entry_point`` is ignored), attributes ``backend``, ``metric``,
    ``reason``.
    """

    #: what this runner runs (see perfcount.execute.candidate.CandidateRunner)
    kind = "command"

    def __init__(
        self,
        task: Any,
        backend: str = "auto",
        *,
        metric: str | None = None,
        events: Sequence[str] | None = None,
        timeout: float | None = None,
        repeats: int | None = None,
        build_timeout: float | None = None,
        max_output: int = 16 * 1024 * 1024,
        builds: BuildCache | None = None,
        verify: bool = True,
        sandbox: bool = True,
        memory_mb: int = 4096,
    ) -> None:
        spec = task if isinstance(task, CommandSpec) else CommandSpec.from_task(task)
        self.spec = _with_build_timeout(spec, build_timeout)
        self.task_id = getattr(task, "task_id", "")
        chosen: Backend
        chosen, self.reason = select(backend, events, repeats=repeats)
        self.backend = chosen.name
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise InvalidArgument(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.timeout = float(DEFAULT_TIMEOUT if timeout is None else timeout)
        self.max_output = max_output
        if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 0:
            raise InvalidArgument(f"memory_mb must be a non-negative integer, got {memory_mb!r}")
        self.memory_mb = memory_mb
        self.sandbox = bool(sandbox)
        self.gpu: bool | str = False
        task_metric = (getattr(task, "extra", None) or {}).get("metric")
        self.metric = metric or task_metric or chosen.metric
        if self.metric in _GPU_METRICS:
            from perfcount.counters.gpu import sampler_for

            sampler, _ = sampler_for("required")  # GpuError naming why, where there is no GPU
            if sampler is not None:
                sampler.close()
            self.gpu = "required"
        elif self.metric != "wall_ns" and self.metric not in chosen.events:
            # count the metric too: the backend refuses an event it cannot count
            chosen, _ = select(self.backend, [self.metric, *chosen.events], repeats=repeats)
        self._backend = chosen
        self.events = chosen.events
        self.repeats = chosen.repeats
        self.timeout_factor = chosen.timeout_factor
        if verify:
            self._verify()
        self._own_builds = builds is None
        self._builds = BuildCache(sandbox=self.sandbox) if builds is None else builds
        self._jail_process: _jail.Jail | None = None
        self._jail_lock = threading.Lock()
        self._closed = False

    @property
    def _dir(self) -> Path:
        return self._builds.directory

    # -- lifecycle
    def close(self) -> None:
        """Remove this runner's build folders (a shared :class:`BuildCache` stays)."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        with self._jail_lock:
            if self._jail_process is not None:
                self._jail_process.close()
                self._jail_process = None
        if self._own_builds:
            self._builds.close()

    # -- building
    def build(self, source: str) -> BuildResult:
        """Build ``source`` (once: later calls get the cached build)."""
        if self._closed:
            raise InvalidArgument("this CommandRunner is closed", hint="create a new one")
        if self._builds.sandbox:
            return self._builds.build(self.spec, source, jail=self._get_jail())
        return self._builds.build(self.spec, source)

    def _argv(self, built: BuildResult, item: CommandInput, at: Path | None = None) -> list[str]:
        """The run template filled in; ``at``: where the build folder is (in a jail)."""
        folder = built.directory if at is None else at
        values = {
            "src": str(folder / built.source.name),
            "bin": str(folder / built.program.name) if built.program else "",
            "dir": str(folder),
        }
        return [*fill_template(self.spec.run, values), *item.args]

    def _get_jail(self) -> _jail.Jail | None:
        """This runner's jail process (started on first use, again if it died); None unsandboxed."""
        if not self.sandbox:
            return None
        with self._jail_lock:
            if self._jail_process is None or not self._jail_process.alive:
                if self._jail_process is not None:
                    self._jail_process.close()
                self._jail_process = _jail.Jail(self._dir, qemu=self.backend == "qemu")
            return self._jail_process

    def _run_limits(self) -> _jail.JobLimits:
        # valgrind and qemu map themselves (and valgrind a shadow of the program's memory)
        extra = {"valgrind": 4096, "qemu": 1024}.get(self.backend, 0)
        memory = self.memory_mb + extra if self.memory_mb else 0
        return _jail.JobLimits(memory_mb=memory, file_mb=16, pids=64)

    def _once(
        self,
        built: BuildResult,
        item: CommandInput,
        *,
        count: bool,
        limit: float,
        jail: _jail.Jail | None = None,
    ) -> Any:
        """One process on one input: natively (task-clock) or counted with the backend.

        With ``jail`` the result is a :class:`~perfcount.execute.jail.JobResult`.
        """
        from perfcount.counters.process import run as run_process

        if jail is not None:
            at = jail.inside(built.directory)
            return jail.run(
                self._argv(built, item, at),
                folder=built.directory,
                limits=self._run_limits(),
                stdin=item.stdin,
                timeout=limit,
                env=_jail.environment(at, self.spec.env, build=False),
                events=self.events if count else "task-clock",
                backend=self.backend if count else "software",
                gpu=self.gpu if count else False,
                max_output=self.max_output,
            )
        kwargs: dict[str, Any] = {
            "stdin": item.stdin,
            "cwd": built.directory,
            "env": {**os.environ, **(self.spec.env or {})},
            "max_output": self.max_output,
        }
        if not count:
            return run_process(
                self._argv(built, item),
                timeout=limit,
                events="task-clock",
                backend="software",
                **kwargs,
            )
        return run_process(
            self._argv(built, item),
            timeout=limit,
            events=self.events,
            backend=self.backend,
            gpu=self.gpu,
            **kwargs,
        )

    def _status(self, res: Any, index: int, limit: float) -> tuple[str, str]:
        """The runner's classification of one process (``input N:`` prefixed to the error)."""
        job = res if isinstance(res, _jail.JobResult) else None
        if job is not None:
            res = job.result
        facts = {
            "timed_out": res.timed_out,
            "too_large": res.stdout_truncated,
            "signal": res.signal,
            "exitcode": res.returncode,
            "stdout": res.stderr.decode("utf-8", "replace"),
            "oom_killed": job is not None and job.oom_killed,
        }
        limits = Limits(
            timeout=limit,
            memory_mb=self.memory_mb if job is not None else 0,
            output_mb=-(-self.max_output // (1 << 20)),
        )
        status, error = classify(facts, limits, program=True)
        if status == "ok" and job is not None and job.left_behind:
            n = job.left_behind
            status, error = (
                "failed",
                (
                    f"left {n} process{'es' if n != 1 else ''} running when it exited (killed): "
                    "work must finish before the program does"
                ),
            )
        elif status == "ok" and job is not None and res.killed_lingering:
            status, error = (
                "failed",
                "left processes running that kept its output open after it exited (killed): "
                "work must finish before the program does",
            )
        return status, (f"input {index}: {error}" if error else "")

    def _cost(self, res: Any) -> float:
        if self.metric == "wall_ns":
            return float(res.wall_ns)
        if self.metric in _GPU_METRICS:
            gpu = res.counts.gpu or {}
            value = gpu_cost(self.metric, gpu)
            if value is None:
                raise BackendError(
                    f"the GPU reported no {self.metric} for this run "
                    f"({gpu.get('energy_source') or res.counts.gpu_reason or 'no reason given'})",
                    hint="use a longer workload (the energy counter updates slowly) or wall_ns",
                )
            return value
        if self.metric in res.counts.not_counted or self.metric not in res.counts:
            raise BackendError(
                f"{self.metric} was not counted for this run",
                hint="the counter was never scheduled; retry on a quieter machine",
            )
        return float(res.counts[self.metric])

    def _items(self, inputs: Sequence[Any], what: str) -> list[CommandInput]:
        return [parse_input(x, f"{what} {i}") for i, x in enumerate(inputs)]

    # -- the CandidateRunner interface
    def profile(
        self,
        solution: str,
        entry_point: str = "",
        inputs: Sequence[Any] = (),
        warmup: int = 0,
        *,
        timeout: float | None = None,
        instructions: int | None = None,
    ) -> Profile:
        """Build ``solution`` and count every input's process; cost = sum over inputs.

        Each repeat runs the whole workload; the cost, every counter and the
        wall time are medians over repeats, ``cv`` the cost's coefficient of
        variation (:mod:`perfcount._util.stats`). ``outputs`` are the stdout
        texts of the first repeat; ``status`` is ``build_failed`` when the
        build fails. ``instructions`` is an instruction budget for one run of
        the workload (metric ``instructions``): a repeat whose count goes over
        it is a ``timeout``, and its remaining inputs are not run (each
        process still runs to its end or to the wall-clock limit).
        """

        items = self._items(inputs, "input")
        if not items:
            raise InvalidArgument("a workload needs at least one input")
        if not isinstance(warmup, int) or warmup < 0:
            raise InvalidArgument(f"warmup must be a non-negative integer, got {warmup!r}")
        self._verify()
        base: dict[str, Any] = {
            "backend": self.backend,
            "metric": self.metric,
            "reason": self.reason,
        }
        built = self.build(solution)
        if not built.ok:
            return Profile(
                status=BUILD_FAILED, error=built.error, sandbox="; ".join(built.sandbox), **base
            )
        if instructions is not None:
            require_instruction_metric(self.metric)
            Limits(instructions=instructions)  # the same checks as a Python candidate's
        jail = self._get_jail()
        if jail is not None:
            base["sandbox"] = "; ".join(jail.sandbox)
        return self._profile(built, items, warmup, timeout, jail, base, instructions)

    def _profile(
        self,
        built: BuildResult,
        items: list[CommandInput],
        warmup: int,
        timeout: float | None,
        jail: _jail.Jail | None,
        base: dict[str, Any],
        budget: int | None = None,
    ) -> Profile:
        from perfcount.counters.region import Counts

        native = self.timeout if timeout is None else float(timeout)
        for _ in range(warmup):
            for item in items:
                self._once(built, item, count=False, limit=native, jail=jail)
        limit = native * self.timeout_factor
        costs: list[float] = []
        walls: list[float] = []
        totals: dict[str, list[float]] = {}
        outputs: list[str] = []
        last: Any = None
        max_rss = 0
        for rep in range(max(1, self.repeats)):
            cost = 0.0
            wall = 0
            values: dict[str, float] = {}
            for i, item in enumerate(items):
                done = self._once(built, item, count=True, limit=limit, jail=jail)
                status, error = self._status(done, i, limit)
                res = last = _process(done)
                if status != "ok":
                    stdout = res.stdout.decode("utf-8", "replace")[-_SHOWN:]
                    return Profile(status=status, error=error, stdout=stdout, **base)
                try:
                    cost += self._cost(res)
                except PerfcountError as exc:
                    return Profile(status="crashed", error=f"measurement failed: {exc}", **base)
                if budget is not None and cost > budget:
                    return Profile(
                        status="timeout",
                        error=f"ran {cost:,.0f} instructions by input {i}, over its instruction "
                        f"budget of {budget:,} (the count, not the clock, decides: the same on "
                        "every run)",
                        **base,
                    )
                wall += res.wall_ns
                max_rss = max(max_rss, res.max_rss)
                for k, v in res.counts.items():
                    values[k] = values.get(k, 0.0) + float(v)
                if rep == 0:
                    outputs.append(res.stdout.decode("utf-8", "replace"))
            costs.append(cost)
            walls.append(wall)
            for k, v in values.items():
                totals.setdefault(k, []).append(v)
        median_cost, cv = stats.median_cv(costs)
        counts = Counts(
            data={k: stats.median(v) for k, v in totals.items()},
            backend=self.backend,
            gpu=last.counts.gpu,
            gpu_reason=last.counts.gpu_reason,
            backend_reason=self.reason,
        )
        return Profile(
            status="ok",
            cost=median_cost,
            counts=counts,
            outputs=outputs,
            wall_ns=int(stats.median(walls)),
            repeats=len(costs),
            cv=cv,
            max_rss_kb=max_rss // 1024,
            **base,
        )

    def check(
        self,
        solution: str,
        entry_point: str = "",
        tests: Sequence[Any] = (),
        expected: Sequence[Any] = (),
        atol: float | None = None,
        rtol: float | None = None,
        *,
        timeout: float | None = None,
    ) -> Check:
        """Build and run ``solution`` natively on every test; compare stdout with ``expected``.

        ``expected`` holds one stdout string per test (``None`` entries are
        placeholders: the outputs are collected, the check then fails).
        ``atol``/``rtol`` default to the task's.
        """
        items = self._items(tests, "test")
        expected = list(expected)
        if len(expected) != len(items):
            raise InvalidArgument(f"{len(items)} tests but {len(expected)} expected outputs")
        a = self.spec.atol if atol is None else float(atol)
        r = self.spec.rtol if rtol is None else float(rtol)
        built = self.build(solution)
        if not built.ok:
            return Check(False, BUILD_FAILED, [], None, built.error, "")
        limit = self.timeout if timeout is None else float(timeout)
        outputs: list[str] = []
        jail = self._get_jail()
        for i, item in enumerate(items):
            done = self._once(built, item, count=False, limit=limit, jail=jail)
            status, error = self._status(done, i, limit)
            out = _process(done).stdout.decode("utf-8", "replace")
            if status != "ok":
                first = error.splitlines()[0]
                failure = Failure(i, first, item.describe())
                return Check(False, status, [failure], None, error, out[-_SHOWN:])
            outputs.append(out)

        def differ(got: str, exp: Any) -> str | None:
            if exp is None:
                return "no expected output (placeholder)"
            return compare_output(got, plain.decode(exp), self.spec.compare, atol=a, rtol=r)

        return failed_tests(outputs, expected, differ, lambda i: items[i].describe())
