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

Statuses are the runner's (``ok``, ``failed`` for wrong output or a non-zero
exit, ``timeout``, ``crashed`` for death by a signal, ``output_too_large``)
plus ``build_failed``. :class:`CommandRunner` has the same ``profile`` /
``check`` interface as :class:`perfcount.execute.runner.Runner`, so evaluation and
curation treat both alike.

Input items (``pe_input``, ``tests``) are a string (the stdin text) or an
object ``{"stdin": str, "args": [str, ...]}`` (``"stdin_base64"`` for binary
payloads). Expected outputs are stdout strings.

PerfCodeBench-style anchors: a task may carry a ``baseline`` and an
``expert`` source; :func:`speedup_fields` defines ``speedup_vs_baseline`` and
``share_of_expert_speedup`` (see there).

Command pools for curation are folders of task folders (see
:func:`load_command_task_dir`); :func:`curate_command_task` curates one.

Limits: a candidate runs as this user in its own process group (a timeout
kills the group); there is no memory or process-count sandbox for commands
(unlike Python candidates), so run untrusted code in a container.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfcount._util import plain
from perfcount.dpe.commands import fill_template
from perfcount.errors import BackendError, InvalidArgument

__all__ = [
    "COMPARE_MODES",
    "LANGUAGES",
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

    @property
    def summary(self) -> str:
        """One line: the compiler's first error line (or the first line of its output)."""
        if self.ok:
            return ""
        if self.timed_out:
            return "the build timed out"
        lines = [ln.strip() for ln in self.output.splitlines() if ln.strip()]
        first = next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else "")
        return f"build failed: {first}" if first else "build failed"

    @property
    def error(self) -> str:
        if self.ok:
            return ""
        what = (
            "the build timed out"
            if self.timed_out
            else f"the build failed ({' '.join(self.argv[:1])})"
        )
        text = self.output.strip()
        if len(text) > _SHOWN:
            text = "..." + text[-_SHOWN:]
        return f"{what}:\n{text}" if text else what


def build(spec: CommandSpec, source: str, directory: str | os.PathLike[str]) -> BuildResult:
    """Write ``source`` into ``directory`` and build it with ``spec.build`` (no counting)."""
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
    if shutil.which(argv[0]) is None and not os.path.isfile(argv[0]):
        raise BackendError(
            f"the build command {argv[0]!r} is not installed",
            hint=f"install it (e.g. apt-get install {'g++' if argv[0] == 'g++' else argv[0]}) "
            "or change the task's build template",
        )
    t0 = time.monotonic()
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
    text = out.decode("utf-8", "replace")
    ok = not timed_out and proc.returncode == 0 and program.is_file()
    if not timed_out and proc.returncode == 0 and not program.is_file():
        text += f"\n(the build succeeded but wrote no {program.name}; does it use {{bin}}?)"
    return BuildResult(
        ok, folder, src, program if ok else None, text, seconds, timed_out, tuple(argv)
    )


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


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


class CommandRunner:
    """Build, run, check and count command candidates of one task.

    ``task`` is a :class:`~perfcount.dpe.datasets.Task` with ``run`` (or a
    :class:`CommandSpec`). ``backend``: ``auto``, ``perf``, ``valgrind`` or
    ``software``. ``metric``: an event the backend counts (``instructions``,
    ``cycles``, ``task-clock``, ...), ``wall_ns``, or ``gpu_energy_mj`` /
    ``gpu_time_ns`` (NVML, see :func:`gpu_cost`; needs a GPU, else
    :class:`GpuError`). The default
    metric is ``instructions`` for perf/valgrind and ``task-clock`` (ns) for
    software; a task may name its own in ``Task.extra["metric"]`` (e.g. a GPU
    task: ``gpu_energy_mj``), which ``metric=`` overrides. ``timeout`` is native
    seconds per input process (multiplied by
    50 under valgrind); ``repeats`` (software default 5) runs the workload
    that many times and keeps the median cost. Builds are cached per source
    for the runner's life; ``close()`` removes them.

    Interface of :class:`perfcount.execute.runner.Runner`: ``profile(source,
    entry_point, inputs)`` and ``check(source, entry_point, tests, expected)``
    (``entry_point`` is ignored), attributes ``backend``, ``metric``,
    ``reason``.
    """

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
    ) -> None:
        from perfcount.counters.backends import select
        from perfcount.execute.sandbox import DEFAULT_TIMEOUT, VALGRIND_TIMEOUT_FACTOR

        spec = task if isinstance(task, CommandSpec) else CommandSpec.from_task(task)
        if build_timeout is not None:
            spec = CommandSpec.create(
                spec.language,
                run=spec.run,
                build=spec.build,
                compare=spec.compare,
                atol=spec.atol,
                rtol=spec.rtol,
                build_timeout=build_timeout,
                source_name=spec.source_name,
                env=spec.env,
            )
        self.spec = spec
        self.task_id = getattr(task, "task_id", "")
        chosen, self.reason = select(backend, events, repeats=repeats)
        self.backend = chosen.name
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise InvalidArgument(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.timeout = float(DEFAULT_TIMEOUT if timeout is None else timeout)
        self.timeout_factor = VALGRIND_TIMEOUT_FACTOR if self.backend == "valgrind" else 1.0
        self.repeats = chosen.repeats
        self.max_output = max_output
        self.gpu: bool | str = False
        # valgrind counts the whole tree's instructions (events=None); perf and
        # software open the backend's events around the process
        self.events: list[str] | None = None if self.backend == "valgrind" else chosen.events
        default_metric = chosen.metric
        task_metric = (getattr(task, "extra", None) or {}).get("metric")
        self.metric = metric or task_metric or default_metric
        if self.metric in _GPU_METRICS:
            from perfcount.counters.gpu import sampler_for

            sampler, _ = sampler_for("required")  # GpuError naming why, where there is no GPU
            if sampler is not None:
                sampler.close()
            self.gpu = "required"
        elif self.metric != "wall_ns":
            known = ["instructions"] if self.events is None else self.events
            if self.metric not in known:
                if self.events is None:
                    raise InvalidArgument(
                        f"metric {self.metric!r} is not counted by the valgrind backend",
                        hint="use metric='instructions' or 'wall_ns'",
                    )
                self.events = [self.metric, *self.events]
        if self.events is not None:
            # a metric added above must be countable by the backend too
            select(self.backend, self.events)
        self._dir = Path(tempfile.mkdtemp(prefix="perfcount-cmd-"))
        self._builds: dict[str, BuildResult] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- lifecycle
    def __enter__(self) -> CommandRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def close(self) -> None:
        """Remove the build folders."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- building
    def build(self, source: str) -> BuildResult:
        """Build ``source`` (cached by content for this runner)."""
        if self._closed:
            raise InvalidArgument("this CommandRunner is closed", hint="create a new one")
        key = hashlib.sha256(source.encode()).hexdigest()[:20]
        with self._lock:
            done = self._builds.get(key)
            if done is None:
                done = self._builds[key] = build(self.spec, source, self._dir / key)
            return done

    def _argv(self, built: BuildResult, item: CommandInput) -> list[str]:
        values = {
            "src": str(built.source),
            "bin": str(built.program) if built.program else "",
            "dir": str(built.directory),
        }
        return [*fill_template(self.spec.run, values), *item.args]

    def _once(
        self, built: BuildResult, item: CommandInput, *, count: bool, timeout: float | None
    ) -> Any:
        from perfcount.counters.process import run as run_process

        limit = self.timeout if timeout is None else float(timeout)
        env = {**os.environ, **(self.spec.env or {})}
        kwargs: dict[str, Any] = {
            "stdin": item.stdin,
            "cwd": built.directory,
            "env": env,
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
            timeout=limit * self.timeout_factor,
            events=self.events,
            backend=self.backend,
            gpu=self.gpu,
            **kwargs,
        )

    @staticmethod
    def _status(res: Any, index: int, limit: float) -> tuple[str, str]:
        tail = res.stderr.decode("utf-8", "replace").strip()[-_SHOWN:]
        tail = f"\n--- stderr (tail) ---\n{tail}" if tail else ""
        if res.timed_out:
            return "timeout", f"input {index}: exceeded the wall-clock limit of {limit:g} s"
        if res.signal is not None:
            return (
                "crashed",
                f"input {index}: killed by signal {res.signal} ({_signal_name(res.signal)}){tail}",
            )
        if res.stdout_truncated:
            return "output_too_large", f"input {index}: stdout exceeded {len(res.stdout)} bytes"
        if res.returncode != 0:
            return "failed", f"input {index}: exited with status {res.returncode}{tail}"
        return "ok", ""

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

    # -- public interface (as perfcount.execute.runner.Runner)
    def profile(
        self,
        solution: str,
        entry_point: str = "",
        inputs: Sequence[Any] = (),
        warmup: int = 0,
        *,
        timeout: float | None = None,
    ) -> Any:
        """Build ``solution`` and count every input's process; cost = sum over inputs.

        Returns a :class:`perfcount.execute.runner.Profile` (``outputs`` are the stdout
        texts; ``status`` ``build_failed`` when the build fails).
        """
        from perfcount.counters.region import Counts
        from perfcount.execute.runner import Profile

        items = [parse_input(x, f"input {i}") for i, x in enumerate(inputs)]
        if not items:
            raise InvalidArgument("a workload needs at least one input")
        base: dict[str, Any] = {
            "backend": self.backend,
            "metric": self.metric,
            "reason": self.reason,
        }
        built = self.build(solution)
        if not built.ok:
            return Profile(status="build_failed", error=built.error, **base)
        limit = self.timeout if timeout is None else float(timeout)
        for _ in range(max(0, int(warmup))):
            for item in items:
                self._once(built, item, count=False, timeout=limit)
        costs: list[float] = []
        walls: list[int] = []
        totals: dict[str, list[float]] = {}
        outputs: list[str] = []
        gpu_data: Any = None
        gpu_reason: str | None = None
        max_rss = 0
        for rep in range(self.repeats):
            cost = 0.0
            wall = 0
            values: dict[str, float] = {}
            for i, item in enumerate(items):
                res = self._once(built, item, count=True, timeout=limit)
                status, error = self._status(res, i, limit * self.timeout_factor)
                if status != "ok":
                    return Profile(
                        status=status,
                        error=error,
                        stdout=res.stdout.decode("utf-8", "replace")[-_SHOWN:],
                        **base,
                    )
                try:
                    cost += self._cost(res)
                except BackendError as exc:
                    return Profile(status="crashed", error=f"measurement failed: {exc}", **base)
                wall += res.wall_ns
                max_rss = max(max_rss, res.max_rss)
                for k, v in res.counts.items():
                    values[k] = values.get(k, 0.0) + float(v)
                gpu_data, gpu_reason = res.counts.gpu, res.counts.gpu_reason
                if rep == 0:
                    outputs.append(res.stdout.decode("utf-8", "replace"))
            costs.append(cost)
            walls.append(wall)
            for k, v in values.items():
                totals.setdefault(k, []).append(v)
        median_values = {k: float(statistics.median(v)) for k, v in totals.items()}
        cv = None
        if len(costs) > 1:
            mean = statistics.fmean(costs)
            cv = statistics.stdev(costs) / mean if mean else 0.0
        counts = Counts(
            data=median_values,
            backend=self.backend,
            gpu=gpu_data,
            gpu_reason=gpu_reason,
            backend_reason=self.reason,
        )
        return Profile(
            status="ok",
            cost=float(statistics.median(costs)),
            counts=counts,
            outputs=outputs,
            wall_ns=int(statistics.median(walls)),
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
    ) -> Any:
        """Build and run ``solution`` natively on every test; compare stdout with ``expected``.

        ``expected`` holds one stdout string per test (``None`` entries are
        placeholders: the outputs are collected, the check then fails).
        ``atol``/``rtol`` default to the task's. Returns a
        :class:`perfcount.execute.runner.Check`.
        """
        from perfcount.execute.runner import Check, Failure

        items = [parse_input(x, f"test {i}") for i, x in enumerate(tests)]
        expected = list(expected)
        if len(expected) != len(items):
            raise InvalidArgument(f"{len(items)} tests but {len(expected)} expected outputs")
        a = self.spec.atol if atol is None else float(atol)
        r = self.spec.rtol if rtol is None else float(rtol)
        built = self.build(solution)
        if not built.ok:
            return Check(False, "build_failed", [], None, built.error, "")
        limit = self.timeout if timeout is None else float(timeout)
        outputs: list[str] = []
        failures: list[Any] = []
        for i, item in enumerate(items):
            res = self._once(built, item, count=False, timeout=limit)
            status, error = self._status(res, i, limit)
            out = res.stdout.decode("utf-8", "replace")
            if status != "ok":
                first = error.splitlines()[0]
                return Check(
                    False, status, [Failure(i, first, item.describe())], None, error, out[-_SHOWN:]
                )
            outputs.append(out)
        for i, (got, exp) in enumerate(zip(outputs, expected)):
            exp_d = plain.decode(exp) if exp is not None else None
            if exp_d is None:
                failures.append(Failure(i, "no expected output (placeholder)", items[i].describe()))
                continue
            diff = compare_output(got, exp_d, self.spec.compare, atol=a, rtol=r)
            if diff is not None:
                failures.append(Failure(i, diff, items[i].describe()))
        if failures:
            first = failures[0]
            error = f"wrong output on test {first.index} {first.input}: {first.diff}"
            if len(failures) > 1:
                error += f" (and {len(failures) - 1} more failing tests)"
            return Check(False, "failed", failures, outputs, error, "")
        return Check(True, "ok", [], outputs, "", "")


# --------------------------------------------------------------------------
# PerfCodeBench-style anchors
