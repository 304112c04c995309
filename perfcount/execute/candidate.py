"""What every candidate runner gives back, and how a run's raw facts become a status.

Both runners, :class:`perfcount.execute.runner.Runner` (Python functions in a
sandboxed fork server) and :class:`perfcount.execute.commands.CommandRunner`
(programs built from source and run as processes), satisfy
:class:`CandidateRunner`: ``profile`` returns a :class:`Profile`, ``check`` a
:class:`Check`, and both say what they measure (``backend``, ``metric``,
``reason``). Every outcome is one of :data:`STATUSES`, decided by
:func:`classify` from the raw facts of the run, the same way for both; command
candidates add ``build_failed`` (:data:`BUILD_FAILED`) for a source that does
not build.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, Self, runtime_checkable

from perfcount.counters.backends import Backend
from perfcount.counters.region import Counts
from perfcount.execute.sandbox import Limits
from perfcount.execute.server import EXIT_CHANNEL_GONE

__all__ = [
    "BUILD_FAILED",
    "STATUSES",
    "CandidateRunner",
    "Check",
    "Failure",
    "Profile",
    "RunnerBase",
    "classify",
    "failed_tests",
    "require_instruction_metric",
    "signal_name",
]

#: every outcome of running a candidate
STATUSES = ("ok", "failed", "timeout", "memory", "crashed", "output_too_large")
#: the one more status of command candidates: the source does not build
BUILD_FAILED = "build_failed"
#: what a process printing this ran out of memory
_MEMORY_MARKERS = ("MemoryError", "Cannot allocate memory")
_TAIL = 1500  # characters of a candidate's output shown in an error


@dataclass(frozen=True)
class Profile:
    """One profiled candidate.

    ``cost`` is in ``metric`` (instructions for perf/valgrind, nanoseconds of
    task-clock for software) and is ``None`` unless ``status == "ok"``.
    ``outputs`` are the outputs, one per workload input (plain-encoded return
    values, or a command's stdout texts). ``wall_ns`` is the wall time of the
    measured region (median over repeats), ``repeats``/``cv`` how often it was
    measured and the coefficient of variation of the cost across repeats.
    """

    status: str
    backend: str
    metric: str
    cost: float | None = None
    counts: Counts | None = None
    outputs: list[Any] | None = None
    error: str = ""
    wall_ns: int | None = None
    repeats: int = 0
    cv: float | None = None
    reason: str = ""
    stdout: str = ""
    max_rss_kb: int | None = None
    sandbox: str = ""
    #: CPU time of the candidate's processes (user + system, median over repeats), seconds
    cpu_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["counts"] = None if self.counts is None else self.counts.to_dict()
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        data = dict(data)
        if data.get("counts") is not None:
            data["counts"] = Counts.from_dict(data["counts"])
        return cls(**data)


@dataclass(frozen=True)
class Failure:
    """A failing test: its index, what differs (or the error) and the input, shortened."""

    index: int
    diff: str
    input: str

    def __str__(self) -> str:
        return f"test {self.index} {self.input}: {self.diff}"


@dataclass(frozen=True)
class Check:
    """Correctness of a candidate on ``tests`` against the ``expected`` outputs.

    ``status`` is ``ok`` when the candidate ran on every test (its outputs may
    still be wrong, then ``status`` is ``failed``); ``failures`` lists the
    failing tests, first failure first.
    """

    passed: bool
    status: str
    failures: list[Failure] = field(default_factory=list)
    outputs: list[Any] | None = None
    error: str = ""
    stdout: str = ""

    @property
    def first_failure(self) -> Failure | None:
        return self.failures[0] if self.failures else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class CandidateRunner(Protocol):
    """What the pipelines need of a runner (``Runner`` and ``CommandRunner`` alike).

    ``kind`` is ``"python"`` or ``"command"``: what the runner runs.
    """

    kind: str
    backend: str
    metric: str
    reason: str

    def profile(
        self,
        solution: str,
        entry_point: str,
        inputs: Sequence[Any],
        warmup: int = 0,
        *,
        timeout: float | None = None,
        instructions: int | None = None,
    ) -> Profile: ...

    def check(
        self,
        solution: str,
        entry_point: str,
        tests: Sequence[Any],
        expected: Sequence[Any],
        atol: float = 0,
        rtol: float = 0,
        *,
        timeout: float | None = None,
    ) -> Check: ...

    def close(self) -> None: ...


class RunnerBase:
    """What both runners share: the backend object, verified once; a context manager
    that closes the runner (also when it is collected)."""

    kind = ""
    _backend: Backend
    _verified = False

    @property
    def switch_interval(self) -> float | None:
        """The candidates' ``sys.setswitchinterval`` (Python runners; None: not a
        Python process's setting), part of the reference cache's key."""
        return None

    @property
    def tool(self) -> str:
        """The measuring tool's identity and settings (``Backend.tool``), e.g.
        ``"qemu 7.2.22 -cpu Nehalem-v1"``; "" for perf and software."""
        return self._backend.tool()

    def _verify(self) -> None:
        """Check (once) that the backend works here; its error names the fix."""
        if not self._verified:
            self._backend.check_available()
            self._verified = True

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


def require_instruction_metric(metric: str) -> None:
    """Raise unless a runner with this ``metric`` can hold a candidate to an instruction budget."""
    from perfcount.errors import InvalidArgument

    if metric != "instructions":
        raise InvalidArgument(
            f"an instruction budget needs a backend that counts instructions; this "
            f"runner's metric is {metric!r}",
            hint="use backend='qemu', 'valgrind' or 'perf', or give a timeout instead",
        )


def signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def classify(done: Mapping[str, Any], limits: Limits, *, program: bool = False) -> tuple[str, str]:
    """The raw facts of one run -> ``(status, error text)``.

    ``done`` holds what was observed: ``server_died`` (the fork server went
    away; with ``timed_out`` because it stopped answering), ``too_large``
    (output over the limit), ``stdout_too_large`` (stdout/stderr over ``file_mb``),
    ``timed_out``, ``result`` (what a Python child
    reported: its ``status`` and ``error``), ``signal``, ``exitcode``,
    ``stdout`` (the captured output's tail), ``oom_killed``, ``parse_error``.
    ``program=True`` is a command: exit status 0 is success, any other is
    ``failed`` (there is no result channel).
    """
    result = done.get("result")
    sig = done.get("signal")
    code = done.get("exitcode")
    output = (done.get("stdout") or "").strip()
    tail = f"\n--- candidate output (tail) ---\n{output[-_TAIL:]}" if output else ""
    out_of_memory = any(m in output for m in _MEMORY_MARKERS)
    if done.get("server_died"):
        if done.get("timed_out"):
            return "timeout", f"{done['server_died']}; the candidate was killed"
        return "crashed", str(done["server_died"])
    if done.get("too_large"):
        return "output_too_large", f"the outputs exceeded {limits.output_mb} MiB"
    if done.get("stdout_too_large"):
        return "output_too_large", f"wrote more than {limits.file_mb} MiB to stdout/stderr"
    if done.get("timed_out"):
        return "timeout", f"exceeded the wall-clock limit of {limits.timeout:g} s and was killed"
    if result is not None:
        status = result.get("status", "failed")
        if status not in STATUSES:
            return "failed", f"the candidate process reported an unknown status {status!r}"
        if status == "ok" and done.get("left_behind"):
            n = int(done["left_behind"])
            return "failed", (
                f"left {n} process{'es' if n != 1 else ''} behind when it returned (killed): "
                "work must finish before the candidate does"
            )
        return status, result.get("error", "")
    if sig is not None:
        name = signal_name(sig)
        if sig == signal.SIGXCPU:
            return (
                "timeout",
                f"exceeded the CPU-time limit ({limits.effective_cpu_seconds()} s, {name})",
            )
        if sig == signal.SIGXFSZ:
            return "output_too_large", (
                f"wrote more than {limits.file_mb} MiB to stdout/stderr or a file ({name})"
            )
        if out_of_memory:
            return "memory", f"killed by {name} after running out of memory{tail}"
        if done.get("oom_killed"):
            return "memory", (
                f"killed by {name}: the candidate's processes exceeded the memory cgroup limit"
                f" ({limits.memory_mb} MiB + headroom){tail}"
            )
        return "crashed", f"killed by signal {sig} ({name}){tail}"
    if done.get("parse_error"):
        return "failed", str(done["parse_error"])
    if program and code == 0:
        return "ok", ""
    if out_of_memory:
        return "memory", f"ran out of memory (exit code {code}){tail}"
    if program:
        return "failed", f"exited with status {code}{tail}"
    if code == EXIT_CHANNEL_GONE:
        return "failed", "the candidate closed or replaced the evaluator's result channel"
    return (
        "failed",
        f"the candidate process exited with code {code} before reporting a result{tail}",
    )


def failed_tests(
    outputs: Sequence[Any],
    expected: Sequence[Any],
    differ: Callable[[Any, Any], str | None],
    describe: Callable[[int], str],
    stdout: str = "",
) -> Check:
    """The verdict on the outputs of every test: ``differ(got, exp)`` is ``None`` when equal.

    ``describe(i)`` is the shortened input of test ``i`` (for the report).
    """
    failures = []
    for i, (got, exp) in enumerate(zip(outputs, expected)):
        diff = differ(got, exp)
        if diff is not None:
            failures.append(Failure(i, diff, describe(i)))
    outs = list(outputs)
    if not failures:
        return Check(True, "ok", [], outs, "", stdout)
    first = failures[0]
    error = f"wrong output on test {first.index} {first.input}: {first.diff}"
    if len(failures) > 1:
        error += f" (and {len(failures) - 1} more failing tests)"
    return Check(False, "failed", failures, outs, error, stdout)
