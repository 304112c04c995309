"""Candidate kinds: what differs between Python functions and commands, behind one interface.

Curation and evaluation run the same steps for every task (check on the
tests, generate the workload, profile, compare outputs); what a step means
for a kind of candidate is answered here, by :data:`PYTHON` (solutions are
Python source defining ``entry_point``, run by
:class:`perfcount.execute.runner.Runner`) and :data:`COMMAND` (solutions are
source files in another language, built and run as programs by
:class:`perfcount.execute.commands.CommandRunner`). :func:`kind_of` picks the
kind of a pool row or a dataset ``Task``.

A kind knows how to validate its pool row, open its runner (from a
:class:`perfcount.execute.pool.RunnerPool`), check a solution on tests (and
what stands in for unknown expected outputs), turn a generator's output into
the performance inputs, profile a solution, what "the same output" means, and
which fields of its own a dataset line carries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from perfcount._util import plain
from perfcount.dpe import pools
from perfcount.dpe.commands import CommandSpec, compare_output, parse_input
from perfcount.errors import InvalidArgument
from perfcount.execute.candidate import BUILD_FAILED, CandidateRunner, Check, Profile
from perfcount.execute.pool import RunnerPool

__all__ = [
    "COMMAND",
    "PYTHON",
    "CommandKind",
    "Kind",
    "PythonKind",
    "kind_of",
    "resolve_backend",
]


class Kind:
    """The interface; :class:`PythonKind` and :class:`CommandKind` implement it.

    ``task`` below is a pool row (a dict) or a dataset ``Task``: what the
    runner depends on is read from either.
    """

    #: the kind's name, also the :class:`RunnerPool` kind of its runners
    name = ""

    def validate(
        self, row: Any, *, path: str = "<pool>", line: int | None = None
    ) -> dict[str, Any]:
        """A checked, normalised copy of a pool row of this kind (``DatasetError`` if bad)."""
        raise NotImplementedError

    def open_runner(
        self,
        pool: RunnerPool,
        backend: str,
        task: Any,
        *,
        timeout: float | None = None,
        memory_mb: int | None = None,
        repeats: int | None = None,
        verify: bool = True,
        switch_interval: float | None = None,
    ) -> CandidateRunner:
        """This thread's runner for ``task`` from ``pool`` (warm after the first call).

        ``switch_interval``: the Python candidates' ``sys.setswitchinterval``
        (None: the runner's default, ``sandbox.GIL_SWITCH_INTERVAL``)."""
        options = self.runner_options(task, memory_mb, switch_interval)
        return pool.get(
            self.name, backend, timeout=timeout, repeats=repeats, verify=verify, **options
        )

    def runner_options(
        self, task: Any, memory_mb: int | None, switch_interval: float | None
    ) -> dict[str, Any]:
        """What this kind's runner needs beyond the backend, timeout and repeats
        (None: that setting's default, or not a setting of this kind's runner)."""
        raise NotImplementedError

    def check(
        self,
        runner: CandidateRunner,
        source: str,
        entry_point: str,
        tests: Sequence[Any],
        expected: Sequence[Any],
        *,
        atol: float = 0.0,
        rtol: float = 0.0,
    ) -> Check:
        """Run ``source`` on ``tests`` (natively) and compare with ``expected``."""
        return runner.check(source, entry_point, tests, expected, atol=atol, rtol=rtol)

    def placeholders(self, n: int) -> list[Any]:
        """``n`` expected outputs that match nothing: a check then only collects outputs."""
        raise NotImplementedError

    def failure(self, runner: CandidateRunner, source: str, check: Check) -> str:
        """One line: why ``source`` failed its tests."""
        error = str(check.error or "").strip()
        if error:
            lines = error.splitlines()
            return lines[0] if check.status == "failed" else f"{check.status}: {lines[-1]}"
        return f"{check.status} on the tests"

    def workload(self, inputs: Any, scale: int) -> list[Any]:
        """What ``perf_input_gen(scale)`` returned -> the performance inputs (plain data,
        private copies); ``ValueError`` saying what is wrong with them."""
        raise NotImplementedError

    def profile(
        self,
        runner: CandidateRunner,
        source: str,
        entry_point: str,
        inputs: Sequence[Any],
        *,
        timeout: float | None = None,
        instructions: int | None = None,
    ) -> Profile:
        """Measure ``source`` on ``inputs`` with the runner's backend (``instructions``: a budget)."""
        if instructions is None:  # runners of other makers may not take a budget
            return runner.profile(source, entry_point, inputs, timeout=timeout)
        return runner.profile(
            source, entry_point, inputs, timeout=timeout, instructions=instructions
        )

    def first_difference(
        self, got: Sequence[Any], expected: Sequence[Any], task: Any
    ) -> str | None:
        """``None`` when the outputs are the same under the task's comparison, else what differs."""
        raise NotImplementedError

    def line_fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Dataset-line fields of this kind (how to build, run and compare)."""
        return {}


def _get(task: Any, key: str, default: Any = None) -> Any:
    if isinstance(task, Mapping):
        return task.get(key, default)
    return getattr(task, key, default)


class PythonKind(Kind):
    """Python source defining ``entry_point``; outputs are plain-encoded return values."""

    name = "python"

    def validate(
        self, row: Any, *, path: str = "<pool>", line: int | None = None
    ) -> dict[str, Any]:
        return pools.validate_python_row(row, path=path, line=line)

    def runner_options(
        self, task: Any, memory_mb: int | None, switch_interval: float | None
    ) -> dict[str, Any]:
        options: dict[str, Any] = {"memory_mb": memory_mb}
        if switch_interval is not None:
            options["switch_interval"] = switch_interval
        return options

    def placeholders(self, n: int) -> list[Any]:
        # a tagged value no candidate returns, so it never counts as the right output
        return [{"$perfcount-unknown": [i]} for i in range(n)]

    def workload(self, inputs: Any, scale: int) -> list[Any]:
        if (
            not isinstance(inputs, list)
            or not inputs
            or not all(isinstance(a, (list, tuple)) for a in inputs)
        ):
            raise ValueError(
                f"perf_input_gen({scale}) must return a non-empty list of argument lists"
            )
        try:  # inputs must be plain data to reach the worker; this also makes private copies
            return plain.decode(plain.encode([list(a) for a in inputs]))  # type: ignore[no-any-return]
        except plain.UnsupportedValue as exc:
            raise ValueError(f"perf_input_gen({scale}) returned non-plain data: {exc}") from None

    def first_difference(
        self, got: Sequence[Any], expected: Sequence[Any], task: Any
    ) -> str | None:
        return plain.first_difference(
            got,
            expected,
            atol=float(_get(task, "atol", 0) or 0),
            rtol=float(_get(task, "rtol", 0) or 0),
        )

    def line_fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        language = row.get("language", "python")
        return {} if language == "python" else {"language": language}


class CommandKind(Kind):
    """Source files built and run as programs; outputs are stdout texts."""

    name = "command"

    def validate(
        self, row: Any, *, path: str = "<pool>", line: int | None = None
    ) -> dict[str, Any]:
        return pools.validate_command_row(row, path=path, line=line)

    @staticmethod
    def spec(task: Any) -> CommandSpec:
        """How ``task`` (a command pool row or a command ``Task``) builds, runs and compares."""
        if isinstance(task, Mapping):
            return pools.command_spec(task)
        return CommandSpec.from_task(task)

    def runner_options(
        self, task: Any, memory_mb: int | None, switch_interval: float | None
    ) -> dict[str, Any]:
        # switch_interval is a Python process's setting: a command has none
        # a Task also names its metric (Task.extra["metric"]), a pool row only its spec;
        # memory_mb bounds each process of the jailed run (perfcount.execute.jail)
        options: dict[str, Any] = {
            "task": task if not isinstance(task, Mapping) else self.spec(task)
        }
        if memory_mb is not None:
            options["memory_mb"] = memory_mb
        return options

    def placeholders(self, n: int) -> list[Any]:
        return [None] * n

    def failure(self, runner: CandidateRunner, source: str, check: Check) -> str:
        if check.status == BUILD_FAILED:
            return str(runner.build(source).summary)  # type: ignore[attr-defined]
        return super().failure(runner, source, check)

    def workload(self, inputs: Any, scale: int) -> list[Any]:
        if not isinstance(inputs, list) or not inputs:
            raise ValueError(f"perf_input_gen({scale}) must return a non-empty list of inputs")
        try:
            for i, item in enumerate(inputs):
                parse_input(item, f"perf_input_gen({scale})[{i}]")
            return list(plain.decode(plain.encode(inputs)))
        except (InvalidArgument, plain.UnsupportedValue) as exc:
            raise ValueError(str(exc)) from None

    def first_difference(
        self, got: Sequence[Any], expected: Sequence[Any], task: Any
    ) -> str | None:
        spec = self.spec(task)
        for g, e in zip(got, expected):
            diff = compare_output(g, e, spec.compare, atol=spec.atol, rtol=spec.rtol)
            if diff is not None:
                return diff
        return None

    def line_fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        spec = self.spec(row)
        fields: dict[str, Any] = {
            "language": spec.language,
            "run": list(spec.run),
            "compare": spec.compare,
        }
        if spec.build is None:
            fields["no_build"] = True
        else:
            fields["build"] = list(spec.build)
        return fields


PYTHON = PythonKind()
COMMAND = CommandKind()


def kind_of(task: Any) -> Kind:
    """The kind of a pool row (a mapping) or of a dataset ``Task``."""
    if isinstance(task, Mapping):
        return COMMAND if pools.is_command_row(task) else PYTHON
    return COMMAND if getattr(task, "is_command", False) else PYTHON


def resolve_backend(backend: str, *, verify: bool = False) -> tuple[str, str, str]:
    """``(backend name, metric, reason)`` the runners of every kind will use for ``backend``
    (``"auto"`` resolved; :func:`perfcount.counters.backends.select`), without starting a
    runner. ``verify=True`` also checks the backend works here (its error names the fix)."""
    from perfcount.counters.backends import select

    chosen, reason = select(backend)
    if verify:
        chosen.check_available()
    return chosen.name, str(chosen.metric or "cost"), reason
