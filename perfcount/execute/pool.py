"""Warm runners, kept and reused: the one place that owns long-lived runners.

A runner is expensive to start (a fork server; seconds under valgrind) and
cheap to reuse, so whatever runs many candidates (curation, the evaluation of
many tasks in one process, a Dask worker, a notebook session) gets its
runners from a :class:`RunnerPool`. ``pool.get(kind, backend, **options)``
returns this thread's runner for that key, starting it the first time:

- ``kind="python"`` -> :class:`perfcount.execute.runner.Runner` (options:
  ``timeout``, ``memory_mb``, ``repeats``, ``events``, ``verify``, ...);
- ``kind="command"`` -> :class:`perfcount.execute.commands.CommandRunner`
  (options: ``task`` (a ``Task`` or ``CommandSpec``), ``timeout``,
  ``repeats``, ``metric``, ...). Every command runner of a pool builds into
  one shared :class:`perfcount.execute.commands.BuildCache`, so a source is
  built once per pool whatever the backend that runs it.

Runners are keyed by (thread, kind, backend, options): a runner is only ever
handed to one thread, so threads measure in parallel and never share a
runner's state. The pool is thread-safe. ``close()`` stops every runner (and
removes the builds); ``close(this_thread=True)`` only the calling thread's
(e.g. after a failure, so a retry starts afresh). :func:`shared_pool` is the
process-wide pool, closed at interpreter exit.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import threading
from dataclasses import asdict, is_dataclass
from typing import Any

from perfcount.errors import InvalidArgument
from perfcount.execute.candidate import CandidateRunner

__all__ = ["KINDS", "RunnerPool", "shared_pool"]

#: the kinds of runner a pool opens
KINDS = ("python", "command")


def _key_part(value: Any) -> Any:
    """A hashable, order-independent stand-in for an option value."""
    if hasattr(value, "task_id") and hasattr(value, "reference"):
        # a Task: its runner depends on its command spec and metric only
        from perfcount.dpe.commands import CommandSpec

        metric = (getattr(value, "extra", None) or {}).get("metric")
        return ("task", _key_part(CommandSpec.from_task(value)), metric)
    if is_dataclass(value) and not isinstance(value, type):
        return json.dumps(asdict(value), sort_keys=True, default=repr)
    if isinstance(value, (list, tuple)):
        return tuple(_key_part(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=repr)
    return value


class RunnerPool:
    """Warm runners keyed by (thread, kind, backend, options); see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runners: dict[tuple[Any, ...], CandidateRunner] = {}
        self._builds: Any = None
        self._closed = False

    def get(self, kind: str, backend: str = "auto", **options: Any) -> CandidateRunner:
        """This thread's runner of ``kind`` measuring with ``backend`` (started on first use)."""
        if kind not in KINDS:
            raise InvalidArgument(f"unknown runner kind {kind!r}", hint=f"use one of: {KINDS}")
        key = (
            threading.get_ident(),
            kind,
            backend,
            tuple(sorted((k, _key_part(v)) for k, v in options.items())),
        )
        with self._lock:
            if self._closed:
                raise InvalidArgument("this RunnerPool is closed", hint="create a new one")
            runner = self._runners.get(key)
        if runner is not None:
            return runner
        runner = self._open(kind, backend, options)  # outside the lock: may take seconds
        with self._lock:
            if self._closed:
                runner.close()
                raise InvalidArgument("this RunnerPool is closed", hint="create a new one")
            self._runners[key] = runner
        return runner

    def _open(self, kind: str, backend: str, options: dict[str, Any]) -> CandidateRunner:
        if kind == "python":
            from perfcount.execute.runner import Runner

            return Runner(backend, **options)
        from perfcount.execute.commands import BuildCache, CommandRunner

        opts = dict(options)
        task = opts.pop("task", None)
        if task is None:
            raise InvalidArgument("a command runner needs task= (a Task or a CommandSpec)")
        with self._lock:
            if self._builds is None:
                self._builds = BuildCache()
            builds = self._builds
        return CommandRunner(task, backend, builds=builds, **opts)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runners)

    def close(self, *, this_thread: bool = False) -> None:
        """Stop the runners (only the calling thread's with ``this_thread=True``)."""
        me = threading.get_ident()
        with self._lock:
            if this_thread:
                keys = [k for k in self._runners if k[0] == me]
            else:
                keys = list(self._runners)
                self._closed = True
            runners = [self._runners.pop(k) for k in keys]
            builds = None if this_thread else self._builds
            if builds is not None:
                self._builds = None
        for runner in runners:
            with contextlib.suppress(Exception):
                runner.close()
        if builds is not None:
            builds.close()

    def __enter__(self) -> RunnerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: RunnerPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> RunnerPool:
    """The process-wide pool (started on first use, closed at interpreter exit)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = RunnerPool()
            atexit.register(_shared.close)
        return _shared
