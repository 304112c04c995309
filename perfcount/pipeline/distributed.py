"""Evaluate past one machine: the Dask glue behind ``evaluate(executor=client)``.

The unit of work stays one task (:func:`perfcount.pipeline.evaluation.evaluate_task`):
a task's references and all its candidates are profiled on the same worker,
so DPE's rule holds — references are re-measured on the machine that measures
the candidates and cached there per machine fingerprint. Each task line
records the worker's ``fingerprint`` and ``hostname`` (and here the Dask
worker address, ``dask_worker``).

- :class:`DaskExecutor` gives a ``distributed.Client`` the
  ``concurrent.futures`` face :func:`perfcount.evaluate` drives (``submit``
  returning futures with ``add_done_callback``/``result``/``cancel``), and
  submits with ``retries=`` (an exception on a worker is retried), ``pure=False``
  (a task is never served from a stale result) and a readable key per task.
  ``evaluate(executor=client)`` wraps a bare ``Client`` in one automatically.
  On the worker, ``evaluate_task`` takes its runners from the process's
  :func:`perfcount.execute.pool.shared_pool` (one per worker thread and kind
  of task), so a worker pays a fork server's start-up once, not per task.
- A worker lost mid-task (killed, OOM, node gone): the scheduler re-runs the
  task elsewhere (up to ``distributed.scheduler.allowed-failures`` times,
  default 3, then ``KilledWorker``, reported as a :class:`BackendError`).
  ``evaluate_task`` is idempotent and the results writer drops a task id
  already written, so every task lands in the results file exactly once.
- Progress: with :meth:`DaskExecutor.forward_progress` (``evaluate`` uses it
  when someone listens), ``evaluate_task`` on the worker sends its per-sample
  progress messages to Dask's event log under a topic of this run
  (``Worker.log_event``); the client subscribes to it and hands each message
  on, so a cluster run shows the same per-sample progress as a local one.
- Connecting to a cluster (the CLI's ``--dask local:N`` or ``tcp://HOST:PORT``,
  the workers' identity checks) is :mod:`perfcount.integrations.dask`.

Dask is optional (``pip install 'perfcount[dask]'``); nothing here imports it.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from perfcount.errors import BackendError, InvalidArgument

__all__ = ["DEFAULT_RETRIES", "DaskExecutor", "as_executor", "is_dask_client"]

#: retries of a task that raised on a worker (lost workers are re-run by the scheduler)
DEFAULT_RETRIES = 2


def is_dask_client(obj: Any) -> bool:
    """True for a ``distributed.Client`` (or subclass), without importing Dask."""
    return any(
        c.__name__ == "Client" and c.__module__.split(".")[0] == "distributed"
        for c in type(obj).__mro__
    )


def as_executor(executor: Any, *, retries: int = DEFAULT_RETRIES) -> Any:
    """A bare ``distributed.Client`` → :class:`DaskExecutor`; anything else unchanged."""
    if is_dask_client(executor):
        return DaskExecutor(executor, retries=retries)
    return executor


def _task_key(fn: Callable[..., Any], args: tuple[Any, ...]) -> str:
    name = getattr(fn, "__name__", "call")
    tid = getattr(args[0], "task_id", None) if args else None
    parts = ["perfcount", name]
    if tid is not None:
        parts.append(re.sub(r"[^A-Za-z0-9_.]+", "_", str(tid))[:60])
    return "-".join([*parts, uuid.uuid4().hex[:12]])


def _topic_sender(topic: str) -> Callable[[Mapping[str, Any]], None] | None:
    """On a worker: send progress messages to the client through Dask's event log."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return None  # not on a worker
    return lambda msg: worker.log_event(topic, dict(msg))


def _on_worker(
    fn: Callable[..., Any], *args: Any, progress_topic: str | None = None, **kwargs: Any
) -> Any:
    """Run ``fn`` on a Dask worker; a task group's task line gets the worker's address.

    ``evaluate_task(task, samples, config)`` runs with this worker's warm
    runners (:func:`perfcount.execute.pool.shared_pool`), as local mode does
    with its pool: a fork server (seconds to start under valgrind) serves
    every task the worker thread gets, not one per task. After a failure this
    thread's runners are closed, so a retry starts from fresh ones. With
    ``progress_topic`` its progress messages go to that event-log topic.
    """
    from perfcount.execute.pool import shared_pool
    from perfcount.pipeline.evaluation import evaluate_task

    if fn is evaluate_task and len(args) == 3 and not kwargs:
        runners = shared_pool()
        send = _topic_sender(progress_topic) if progress_topic else None
        try:
            result = fn(*args, runners=runners, progress=send)
        except BaseException:
            runners.close(this_thread=True)
            raise
    else:
        result = fn(*args, **kwargs)
    if isinstance(result, list) and result:
        last = result[-1]
        if isinstance(last, dict) and last.get("kind") == "task":
            try:
                from distributed import get_worker

                last["dask_worker"] = get_worker().address
            except (ImportError, ValueError):
                pass  # not on a worker (e.g. a client in-process test)
    return result


class _DaskFuture:
    """A ``distributed.Future`` with ``concurrent.futures`` callback semantics.

    ``add_done_callback(fn)`` calls ``fn(self)`` (this wrapper), and
    ``result()`` reports a task that kept killing its workers as a
    :class:`BackendError` instead of Dask's ``KilledWorker``.
    """

    def __init__(self, future: Any, key: str) -> None:
        self.future = future
        self.key = key

    def add_done_callback(self, fn: Callable[[Any], Any]) -> None:
        self.future.add_done_callback(lambda _f: fn(self))

    def result(self, timeout: float | None = None) -> Any:
        try:
            return self.future.result(timeout=timeout)
        except Exception as exc:
            if type(exc).__name__ == "KilledWorker":
                raise BackendError(
                    f"Dask task {self.key} was running on workers that died, too often ({exc})",
                    hint="a worker process was killed (out of memory? the node lost?); check the "
                    "worker logs, give workers more memory, or raise "
                    "distributed.scheduler.allowed-failures; finished tasks are saved and a "
                    "rerun resumes",
                ) from exc
            raise

    def exception(self, timeout: float | None = None) -> BaseException | None:
        return self.future.exception(timeout=timeout)

    def done(self) -> bool:
        return bool(self.future.done())

    def cancel(self) -> bool:
        self.future.cancel()
        return True

    def __repr__(self) -> str:
        return f"<perfcount DaskFuture {self.key} {self.future.status}>"


class DaskExecutor:
    """``concurrent.futures.Executor``-like face of a ``distributed.Client``.

    ``submit(fn, *args)`` runs ``fn`` on some worker with ``retries`` retries
    on exceptions and ``pure=False``; the key names the task id when the
    first argument has one (``perfcount-evaluate_task-<task_id>-<random>``),
    which is what the Dask dashboard shows. The client is not owned:
    ``shutdown`` only cancels what this executor submitted when asked to.
    """

    def __init__(self, client: Any, *, retries: int = DEFAULT_RETRIES) -> None:
        if int(retries) < 0:
            raise InvalidArgument("retries must be ≥ 0")
        self.client = client
        self.retries = int(retries)
        self._futures: list[_DaskFuture] = []
        self._topic: str | None = None

    @contextlib.contextmanager
    def forward_progress(self, send: Callable[[Mapping[str, Any]], None]) -> Iterator[None]:
        """While open, tasks submitted here send their progress messages to ``send``.

        The messages travel through the scheduler's event log under a topic of
        their own; ``send`` is called on the client's event-loop thread.
        """
        topic = f"perfcount-progress-{uuid.uuid4().hex[:12]}"

        def handler(event: Any) -> None:
            _, msg = event  # (scheduler timestamp, message)
            if isinstance(msg, Mapping):
                send(msg)

        self.client.subscribe_topic(topic, handler)
        self._topic = topic
        try:
            yield
        finally:
            self._topic = None
            with contextlib.suppress(Exception):  # a client already closed
                self.client.unsubscribe_topic(topic)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> _DaskFuture:
        key = _task_key(fn, args)
        if self._topic is not None and not kwargs:
            kwargs = {"progress_topic": self._topic}
        fut = self.client.submit(
            _on_worker, fn, *args, key=key, pure=False, retries=self.retries, **kwargs
        )
        wrapped = _DaskFuture(fut, key)
        self._futures.append(wrapped)
        return wrapped

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            for fut in self._futures:
                if not fut.done():
                    fut.cancel()
        self._futures = []

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown(cancel_futures=exc[0] is not None)
