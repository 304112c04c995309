"""``%perfcount`` / ``%%perfcount``: count a statement from IPython or Jupyter, like ``%timeit``.

Load with ``%load_ext perfcount``, then::

    %perfcount sorted(data)                      # auto backend, 5 repeats + 1 warm-up
    %perfcount -e task-clock,page-faults -n 20 sorted(data)
    r = %perfcount -o -q sorted(data)            # the CountSummary, nothing printed
    %%perfcount -b software  data = list(range(1000))   # line after options: setup, not counted
    sorted(data)

Options: ``-e EVENTS`` (comma-separated), ``-n REPEAT`` (default 5), ``-w
WARMUP`` (default 1), ``-b BACKEND`` (``auto``/``perf``/``software``/
``valgrind``/``qemu``), ``-o`` return the :class:`~perfcount.counters.region.CountSummary`,
``-q`` print nothing. The statement runs in the user namespace (so it sees
and may change your variables); each repeat runs after a ``gc.collect()``
with the collector disabled inside the region (as in :func:`perfcount.count`).

``-b valgrind`` counts instructions in-process when IPython itself runs under
``valgrind --tool=callgrind --instr-atstart=no``. Otherwise the statement is
sent to perfcount's runner, which starts callgrind for it: the names it uses
are taken from the user namespace — modules are re-imported, functions and
classes defined in the session are sent as their source, plain data
(numbers, strings, lists, dicts, ...) is sent as data — and anything else is
refused with an error naming the variable. Changes the statement makes to
variables do not come back from the runner. Callgrind counts are
deterministic, so the runner measures once (``-n`` is ignored there). The
runner's fork server (started under valgrind, a few seconds) is kept for the
session and stopped by ``%unload_ext perfcount`` or at exit.

``-b qemu`` works the same way: in-process when IPython runs under qemu-x86_64
with perfcount's plugin in regions mode (see :mod:`perfcount.counters.qemu`),
else through a qemu runner (its fork server under qemu, about a second).
Under qemu, ``-b auto`` (the default) counts with qemu for instructions.
"""

from __future__ import annotations

import builtins
import inspect
import textwrap
import types
from collections.abc import Iterator
from typing import Any

from perfcount._util.stats import median
from perfcount.errors import BackendError, InvalidArgument, PerfcountError

__all__ = [
    "PerfcountMagics",
    "format_summary",
    "load_ipython_extension",
    "run_statement",
    "unload_ipython_extension",
]

_ENTRY = "__perfcount_statement__"


# ---------------------------------------------------------------------------
# Formatting, like %timeit's "1.2 ms ± 3 µs per loop (mean ± std. dev. of 7 runs, ...)"


def _time(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def _value(name: str, v: float) -> str:
    if name in ("task-clock", "cpu-clock", "duration_time"):
        return _time(v)
    return f"{v:,.0f}"


def format_summary(summary: Any, *, warmup: int | None = None) -> str:
    """One line per event: ``median ± spread`` with the repeats and the backend.

    The spread is the median absolute deviation from the median when there
    are several repeats (robust, in the event's unit) and the CV in percent.
    """
    n = len(summary.runs)
    lines = []
    for name in summary.names:
        vals = summary.values(name)
        med = median(vals)
        mad = median(abs(v - med) for v in vals)
        cv = summary.cv[name]
        spread = f" ± {_value(name, mad)} (cv {cv:.1%})" if n > 1 else ""
        scaled = " (scaled: multiplexed)" if any(name in r.scaled for r in summary.runs) else ""
        lines.append(f"{name}: {_value(name, med)}{spread}{scaled}")
    width = max((len(line) for line in lines), default=0)
    runs = f"{n} run" + ("s" if n != 1 else "")
    how = f"median ± MAD of {runs}" if n > 1 else runs
    extra = f", {warmup} warm-up" if warmup else ""
    lines = [line.ljust(width) for line in lines]
    lines[-1] += f"  ({how}{extra}; backend {summary.backend})"
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Running a statement


def run_statement(
    code: types.CodeType,
    namespace: dict[str, Any],
    *,
    source: str,
    events: list[str] | None = None,
    repeat: int = 5,
    warmup: int = 1,
    backend: str = "auto",
) -> Any:
    """Count ``code`` (compiled from ``source``) executed in ``namespace``; a CountSummary."""
    from perfcount.counters.region import count

    if backend == "valgrind":
        from perfcount import _native

        if not _native.running_on_valgrind():
            return _run_in_runner(source, namespace, warmup=warmup)
    if backend in ("qemu", "auto") and events in (None, ["instructions"]):
        from perfcount.counters.qemu import running_regions

        if backend == "auto" and running_regions():
            backend = "qemu"  # under qemu nothing else opens (the pytest plugin does the same)
        elif backend == "qemu" and not running_regions():
            return _run_in_runner(source, namespace, warmup=warmup, backend="qemu")
    return count(
        exec, code, namespace, repeat=repeat, warmup=warmup, events=events, backend=backend
    )


def _names(code: types.CodeType) -> Iterator[str]:
    """Every global name a code object (and the code objects nested in it) may load."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _ship(source: str, namespace: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(module source for the runner, plain-data variables) for ``source`` in ``namespace``."""
    from perfcount._util import plain

    imports: dict[str, str] = {}
    defs: dict[str, str] = {}
    data: dict[str, Any] = {}
    todo = list(dict.fromkeys(_names(compile(source, "<perfcount>", "exec"))))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in namespace:
            continue
        seen.add(name)
        value = namespace[name]
        if isinstance(value, types.ModuleType):
            imports[name] = (
                f"import {value.__name__}"
                if value.__name__ == name
                else f"import {value.__name__} as {name}"
            )
            continue
        if isinstance(value, (types.FunctionType, type)) and value.__module__ == "__main__":
            try:
                src = textwrap.dedent(inspect.getsource(value))
            except (OSError, TypeError):
                src = None
            if src is not None and getattr(value, "__name__", None) == name:
                defs[name] = src
                inner = value.__code__ if isinstance(value, types.FunctionType) else None
                if inner is not None:
                    todo.extend(_names(inner))
                else:
                    todo.extend(_names(compile(src, "<perfcount>", "exec")))
                continue
        elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
            module = getattr(value, "__module__", None)
            qual = getattr(value, "__qualname__", "")
            if module and module != "builtins" and "." not in qual and "<" not in qual:
                imports[name] = (
                    f"from {module} import {qual}"
                    if qual == name
                    else f"from {module} import {qual} as {name}"
                )
                continue
        if value is getattr(builtins, name, object()):
            continue
        try:
            plain.encode(value)
        except plain.UnsupportedValue as exc:
            raise InvalidArgument(
                f"%perfcount -b valgrind/qemu cannot send variable {name!r} "
                f"({type(value).__name__}) to the runner: {exc}",
                hint="make it plain data (numbers, strings, lists, dicts, tuples, sets), "
                "define it inside the statement, or run IPython under "
                "`valgrind --tool=callgrind --instr-atstart=no ipython`",
            ) from None
        data[name] = value
    module = "\n".join(
        [
            *imports.values(),
            "",
            *defs.values(),
            "",
            f"__perfcount_code__ = compile({source!r}, '<perfcount>', 'exec')",
            "",
            f"def {_ENTRY}(__perfcount_ns__):",
            "    g = globals()",
            "    g.update(__perfcount_ns__)",
            "    exec(__perfcount_code__, g)",
            "",
        ]
    )
    return module, data


_runners: dict[str, Any] = {}


def _runner(backend: str = "valgrind") -> Any:
    """The session's Runner of ``backend``: its fork server starts once (seconds), then is reused."""
    if backend not in _runners:
        import atexit

        from perfcount.execute.runner import Runner

        if not _runners:
            atexit.register(_close_runner)
        _runners[backend] = Runner(backend)
    return _runners[backend]


def _close_runner() -> None:
    while _runners:
        _, runner = _runners.popitem()
        runner.close()


def _run_in_runner(
    source: str, namespace: dict[str, Any], *, warmup: int, backend: str = "valgrind"
) -> Any:
    """Profile ``source`` through a runner whose fork server runs under callgrind or qemu."""

    from perfcount.counters.region import CountSummary

    if backend == "valgrind":
        from perfcount.counters.callgrind import require_valgrind

        try:
            require_valgrind()
        except BackendError as exc:
            raise BackendError(
                f"-b valgrind needs valgrind: {exc.message}",
                hint="install valgrind (e.g. apt-get install valgrind), or use -b software/perf",
            ) from None
    if backend == "qemu":
        from perfcount.counters.qemu import check_available

        check_available()  # qemu-x86_64 and the plugin, or an error naming the install
    module, data = _ship(source, namespace)
    prof = _runner(backend).profile(module, _ENTRY, [[data]], warmup=min(warmup, 1))
    if prof.status != "ok" or prof.counts is None:
        detail = (prof.error or "").strip().splitlines()
        raise BackendError(
            f"the statement did not run under {backend} ({prof.status})"
            + (f": {detail[-1]}" if detail else ""),
            hint="check that it runs with %perfcount -b software first; names it uses must "
            "be importable, defined in this session, or plain data",
        )
    return CountSummary(runs=(prof.counts,), backend=backend)


# ---------------------------------------------------------------------------
# The magics

try:
    from IPython.core.magic import Magics, line_cell_magic, magics_class
except ImportError:  # pragma: no cover - only imported from IPython
    Magics = object  # type: ignore[assignment,misc]

    def magics_class(cls: Any) -> Any:  # type: ignore[no-redef]
        return cls

    def line_cell_magic(fn: Any) -> Any:  # type: ignore[no-redef]
        return fn


@magics_class
class PerfcountMagics(Magics):  # type: ignore[misc,valid-type]
    """``%perfcount`` and ``%%perfcount``."""

    @line_cell_magic
    def perfcount(self, line: str = "", cell: str | None = None) -> Any:
        """Count the events of a statement: %perfcount [-e EVENTS] [-n N] [-w W] [-b BACKEND] [-o] [-q] stmt

        With ``%%perfcount`` the cell body is the measured code and the rest of
        the first line (after the options) is setup, run once and not counted.
        """
        try:
            return self._perfcount(line, cell)
        except PerfcountError as exc:
            # a bad option, an unknown event, no such backend here: one line, not a
            # traceback (the user's own code raising inside the statement keeps its own)
            raise _usage_error(exc) from None

    def _perfcount(self, line: str, cell: str | None) -> Any:
        opts, stmt = self.parse_options(line, "e:n:w:b:oq", posix=False, strict=False)
        events = _events(opts.get("e"))
        repeat = _int_opt(opts, "n", 5, minimum=1)
        warmup = _int_opt(opts, "w", 1, minimum=0)
        backend = str(opts.get("b", "auto")).strip()
        shell: Any = self.shell
        ns = shell.user_ns
        if cell is None:
            setup, body = "", stmt
        else:
            setup, body = stmt, cell
        body = shell.transform_cell(body) if cell is not None else body
        if not body.strip():
            raise InvalidArgument(
                "%perfcount needs a statement to count",
                hint="e.g. %perfcount sorted(data), or a %%perfcount cell",
            )
        if setup.strip():
            exec(compile(shell.transform_cell(setup), "<perfcount setup>", "exec"), ns)
        code = compile(body, "<perfcount>", "exec")
        summary = run_statement(
            code, ns, source=body, events=events, repeat=repeat, warmup=warmup, backend=backend
        )
        if "q" not in opts:
            print(format_summary(summary, warmup=warmup if len(summary.runs) > 1 else 0))
        return summary if "o" in opts else None


def _usage_error(exc: PerfcountError) -> Exception:
    """``exc`` as an IPython ``UsageError``, which IPython shows as one line (with the hint)."""
    from IPython.core.error import UsageError

    return UsageError(str(exc))


def _events(spec: Any) -> list[str] | None:
    if spec is None:
        return None
    names = [e.strip() for e in str(spec).strip("'\"").split(",") if e.strip()]
    if not names:
        raise InvalidArgument("-e needs event names", hint="e.g. -e task-clock,page-faults")
    return names


def _int_opt(opts: Any, key: str, default: int, *, minimum: int) -> int:
    raw = opts.get(key)
    if raw is None:
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise InvalidArgument(f"-{key} needs an integer, got {raw!r}") from None
    if value < minimum:
        raise InvalidArgument(f"-{key} must be at least {minimum}, got {value}")
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext perfcount``: register ``%perfcount`` / ``%%perfcount``."""
    ipython.register_magics(PerfcountMagics)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext perfcount``: remove the magics again."""
    magics = ipython.magics_manager.magics
    for kind in ("line", "cell"):
        magics[kind].pop("perfcount", None)
    ipython.magics_manager.registry.pop("PerfcountMagics", None)
    _close_runner()
