"""pyperf hook: record perfcount counts for every benchmark run into pyperf's metadata.

Registered as the entry point ``perfcount`` in the ``pyperf.hook`` group, so::

    python -m pyperf timeit --hook perfcount -s "xs = list(range(1000))" "sorted(xs)"
    python bench.py --hook perfcount -o out.json     # any pyperf.Runner script

pyperf runs each hook as a context manager around every timed call of the
benchmark (``loops`` iterations of the statement) in its worker processes,
then calls ``teardown(metadata)`` once per worker. This hook measures each of
those calls with :class:`perfcount.measure` and adds, per run (worker):

- ``perfcount_<event>``: the median count of one timed call, e.g.
  ``perfcount_instructions`` or ``perfcount_task_clock`` (ns). A call runs
  ``loops`` iterations (the run's ``loops`` metadata; times ``inner_loops``
  if set), exactly like pyperf's own raw values; ``perfcount_<event>_per_loop``
  divides by it when the hook can read the loop count from the worker's
  command line (``--loops N``);
- ``perfcount_backend`` and ``perfcount_calls`` (how many calls the median is over).

Events and backend come from the environment (pyperf workers only inherit
variables named with ``--inherit-environ``):

- ``PERFCOUNT_EVENTS``: comma-separated events (default: the backend's defaults);
- ``PERFCOUNT_BACKEND``: ``auto`` (default: hardware counters when there is
  a PMU, else software events; ``valgrind`` automatically when the worker
  runs under callgrind), ``perf``, ``software`` or ``valgrind``.

So on a machine without a PMU, ``instructions`` need callgrind around the
workers (``--inherit-environ`` is not enough; run pyperf itself under
``valgrind --tool=callgrind --instr-atstart=no --trace-children=yes``); the
software backend's task-clock works everywhere.

Metadata values must be ``int``/``float``/``str`` in pyperf's JSON; counts are
stored as numbers, so ``python -m pyperf show --metadata out.json`` and
``pyperf.BenchmarkSuite.load(...)`` show them per run.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from perfcount._util.stats import median
from perfcount.errors import PerfcountError

__all__ = ["PerfcountHook"]


def _hook_error(message: str) -> Exception:
    """pyperf's HookError (pyperf prints it and exits cleanly), or RuntimeError without pyperf."""
    try:
        from pyperf._hooks import HookError
    except ImportError:  # pragma: no cover - the hook is only loaded by pyperf
        return RuntimeError(message)
    return HookError(message)


def _loops_from_argv(argv: list[str]) -> int | None:
    """The ``--loops N`` / ``--loops=N`` a pyperf worker was started with (None if absent)."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--loops" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--loops="):
            value = arg.split("=", 1)[1]
        if value is not None:
            try:
                n = int(value)
            except ValueError:
                return None
            return n if n > 0 else None
    return None


class PerfcountHook:
    """A pyperf hook: ``__enter__``/``__exit__`` around each timed call, ``teardown(metadata)``."""

    def __init__(self) -> None:
        from perfcount.counters.region import measure

        events_env = os.environ.get("PERFCOUNT_EVENTS", "").strip()
        backend = os.environ.get("PERFCOUNT_BACKEND", "auto").strip() or "auto"
        events = [e.strip() for e in events_env.split(",") if e.strip()] or None
        try:
            self._measure = measure(events, backend=backend)
        except PerfcountError as exc:
            raise _hook_error(
                f"perfcount hook: cannot measure events={events_env or 'default'} "
                f"backend={backend}: {exc}"
            ) from None
        self._calls: list[dict[str, float]] = []
        self._backend = self._measure.backend

    def __enter__(self) -> PerfcountHook:
        try:
            self._measure.__enter__()
        except PerfcountError as exc:
            raise _hook_error(f"perfcount hook: cannot open the counters: {exc}") from None
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._measure.__exit__(exc_type, exc, tb)
        if exc_type is None:
            counts = self._measure.counts
            self._backend = counts.backend
            self._calls.append(dict(counts))

    def teardown(self, metadata: dict[str, Any]) -> None:
        """Add ``perfcount_*`` entries for this worker's calls to the run's metadata."""
        if not self._calls:
            return
        loops = _loops_from_argv(sys.argv)
        inner = metadata.get("inner_loops")
        if loops is not None and isinstance(inner, int) and inner > 0:
            loops *= inner
        metadata["perfcount_backend"] = self._backend
        metadata["perfcount_calls"] = len(self._calls)
        names: dict[str, None] = {}
        for call in self._calls:
            names.update(dict.fromkeys(call))
        for name in names:
            values = [c[name] for c in self._calls if name in c]
            med = median(values)
            key = "perfcount_" + name.replace("-", "_")
            metadata[key] = int(med) if float(med).is_integer() else float(med)
            if loops:
                metadata[key + "_per_loop"] = med / loops
