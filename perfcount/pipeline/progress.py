"""Progress of a pipeline run, as data: the pipelines call back, they never print.

``curate`` and ``evaluate`` take ``progress``: ``False`` (silent), a callable
that receives every :class:`ProgressEvent`, or ``True`` for the default view
that :mod:`perfcount.report` registers (a live view on a terminal, one plain
line per finished task otherwise).

Events, by ``ProgressEvent.kind``:

- ``"task_start"``: a task begins (``n_samples``: its samples);
- ``"sample_start"``: a sample begins a step (``step``: ``"checking
  correctness"`` or ``"profiling"``; ``sample``/``n_samples``: its 1-based
  position in the task);
- ``"step"``: what that sample is waiting for changes (``step``:
  ``"profiling references"``, ``"checking references"``, ``"profiling
  baseline"``, ..., with ``detail`` such as ``"reference 2 of 5"``), and
  back to the sample's own step when that is done;
- ``"sample_end"``: the step ended (``status``: the runner's status,
  ``item_elapsed_s``: how long the step took);
- ``"task"``: a task finished (``status``: a one-line summary, ``line``: its
  task line, ``item_elapsed_s``: the task's time).

A task's events come from wherever it runs: the evaluator calls a
:class:`TaskProgress`, which sends plain dicts (they cross processes: a pool
worker's queue, Dask's event log) that :func:`reporter` turns into events. Each
carries the run's counters (``done``/``total`` tasks, ``samples_done``/
``samples_total``), so a callback needs no state of its own. A per-task
executor (any ``submit``/``add_done_callback`` one) reports ``"task"`` events only.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from perfcount._util import views

__all__ = [
    "ProgressEvent",
    "ProgressPlan",
    "Reporter",
    "RunProgress",
    "TaskProgress",
    "WorkerQueue",
    "reporter",
]

#: steps of a sample, as ``ProgressEvent.step`` names them
CHECKING = "checking correctness"
PROFILING = "profiling"
REFERENCES = "profiling references"

Send = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class ProgressPlan:
    """What a run will do: its phase ("curate", "evaluate"), how many tasks (and samples), how many done."""

    phase: str
    total: int
    completed: int = 0
    samples: int | None = None
    samples_completed: int = 0


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a run (see the module docstring for the kinds and their fields).

    ``item`` is the task id; ``done``/``total`` count finished tasks,
    ``samples_done``/``samples_total`` samples (None for curation);
    ``elapsed_s`` is the time since the run started.
    """

    phase: str
    item: str
    done: int
    total: int
    status: str
    elapsed_s: float
    line: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "task"
    sample: int | None = None
    n_samples: int | None = None
    sample_id: Any = None
    step: str | None = None
    detail: str | None = None
    item_elapsed_s: float | None = None
    samples_done: int = 0
    samples_total: int | None = None


Reporter = Callable[[ProgressEvent], None]


class TaskProgress:
    """What one task's evaluation tells its run while it works; a no-op without ``send``.

    Used by the code that evaluates a task (possibly in another process): it
    marks the task's start, each sample's steps, the waits for references
    inside them, and how many of its samples are finished (``finished``), and
    sends plain dicts.
    """

    def __init__(self, send: Send | None, task_id: str, n_samples: int) -> None:
        self._send = send
        self.task_id = task_id
        self.n_samples = n_samples
        self.samples_done = 0
        self._sample: dict[str, Any] | None = None  # the sample step in progress

    def _emit(self, kind: str, **fields: Any) -> None:
        if self._send is None:
            return
        msg = {
            "kind": kind,
            "task_id": self.task_id,
            "n_samples": self.n_samples,
            "samples_done": self.samples_done,
            **fields,
        }
        try:
            self._send(msg)
        except Exception:  # progress must never fail an evaluation
            self._send = None

    def start(self) -> None:
        """The task begins."""
        self._emit("task_start")

    @contextlib.contextmanager
    def sample(
        self, pos: int, sample_id: Any, step: str, *, finishes: bool = False
    ) -> Iterator[dict[str, Any]]:
        """A sample's ``step``: yields a dict whose ``status`` the caller sets before it ends.

        ``finishes``: the sample needs nothing more after this step (counted
        as finished in its end event).
        """
        outcome: dict[str, Any] = {"status": "error"}
        current = {"sample": pos + 1, "sample_id": sample_id, "step": step}
        self._sample = current
        t0 = time.monotonic()
        self._emit("sample_start", **current)
        try:
            yield outcome
        finally:
            self._sample = None
            if finishes:
                self.finished()
            self._emit(
                "sample_end",
                **current,
                status=str(outcome.get("status")),
                item_elapsed_s=time.monotonic() - t0,
            )

    @contextlib.contextmanager
    def waiting(self, step: str, detail: str | None = None) -> Iterator[None]:
        """Inside a sample's step: it waits for ``step`` (e.g. profiling a reference)."""
        here = self._sample
        sample = {} if here is None else {"sample": here["sample"], "sample_id": here["sample_id"]}
        self._emit("step", **sample, step=step, detail=detail)
        try:
            yield
        finally:
            if here is not None:
                self._emit("step", **sample, step=here["step"], detail=None)

    def finished(self, n: int = 1) -> None:
        """``n`` more samples of the task need no more work."""
        self.samples_done += n


class RunProgress:
    """The run's side: counts tasks and samples and hands :class:`ProgressEvent` objects to a sink.

    Called as ``advance(item, status, line, elapsed=None)`` when a task is
    finished (what the pipelines did before per-sample events); ``event(msg)``
    takes a :class:`TaskProgress` message, from any thread. Messages about a
    task already finished (a queue delivers them late) are dropped.
    """

    def __init__(self, plan: ProgressPlan, sink: Reporter | None) -> None:
        self.plan = plan
        self._sink = sink
        self._start = time.monotonic()
        self._lock = threading.Lock()  # curation advances from threads, queues from theirs
        self.done = plan.completed
        self._samples_finished = plan.samples_completed  # in finished tasks
        self._running: dict[str, int] = {}  # task id -> its samples done
        self._finished: set[str] = set()

    @property
    def wants_events(self) -> bool:
        """Whether per-sample messages go anywhere (no need to ship them otherwise)."""
        return self._sink is not None

    def _samples_done(self) -> int:
        return self._samples_finished + sum(self._running.values())

    def _deliver(self, **fields: Any) -> None:
        if self._sink is None:
            return
        self._sink(
            ProgressEvent(
                phase=self.plan.phase,
                done=self.done,
                total=self.plan.total,
                elapsed_s=time.monotonic() - self._start,
                samples_done=self._samples_done(),
                samples_total=self.plan.samples,
                **fields,
            )
        )

    def __call__(
        self,
        item: str,
        status: str,
        line: Mapping[str, Any],
        elapsed: float | None = None,
    ) -> None:
        with self._lock:
            if item in self._finished:
                return
            self._finished.add(item)
            self.done += 1
            self._running.pop(item, None)
            n = line.get("n_samples")
            self._samples_finished += int(n) if isinstance(n, int) else 0
            self._deliver(
                item=item,
                status=status,
                line=line,
                kind="task",
                n_samples=n if isinstance(n, int) else None,
                item_elapsed_s=elapsed,
            )

    def event(self, msg: Mapping[str, Any]) -> None:
        item = str(msg.get("task_id"))
        with self._lock:
            if item in self._finished:
                return
            self._running[item] = int(msg.get("samples_done") or 0)
            elapsed = msg.get("item_elapsed_s")
            self._deliver(
                item=item,
                status=str(msg.get("status") or ""),
                kind=str(msg.get("kind")),
                sample=msg.get("sample"),
                n_samples=msg.get("n_samples"),
                sample_id=msg.get("sample_id"),
                step=msg.get("step"),
                detail=msg.get("detail"),
                item_elapsed_s=None if elapsed is None else float(elapsed),
            )


@contextlib.contextmanager
def reporter(progress: bool | Reporter, plan: ProgressPlan) -> Iterator[RunProgress]:
    """Yield the run's :class:`RunProgress`, whose sink is ``progress`` (or the default view)."""
    if progress is True:
        cm: Any = views.render(plan, "progress")
    elif callable(progress):
        cm = contextlib.nullcontext(progress)
    else:
        cm = contextlib.nullcontext(None)
    with cm as sink:
        yield RunProgress(plan, sink)


# --------------------------------------------------------------------------
# from pool worker processes


_worker_queue: Any = None  # set in pool workers by WorkerQueue's initializer


def _set_worker_queue(q: Any) -> None:
    global _worker_queue
    _worker_queue = q


def call_with_progress(fn: Callable[..., Any], *args: Any) -> Any:
    """In a pool worker: ``fn(*args, progress=<the worker's queue>.put)``."""
    q = _worker_queue
    return fn(*args, progress=None if q is None else q.put)


class WorkerQueue:
    """Task messages from the worker processes of a pool this run owns.

    The pool is created with ``initializer``/``initargs`` (the queue reaches
    each worker when it starts) and tasks are submitted through
    :func:`call_with_progress`; a thread here hands every message to
    ``handle`` until :meth:`close`.
    """

    def __init__(self, mp_context: Any, handle: Callable[[Mapping[str, Any]], None]) -> None:
        self._queue = mp_context.Queue()
        self._handle = handle
        self.initializer = _set_worker_queue
        self.initargs = (self._queue,)
        self._thread = threading.Thread(target=self._drain, name="perfcount-progress", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while True:
            try:
                msg = self._queue.get()
            except (EOFError, OSError):
                return
            if msg is None:
                return
            with contextlib.suppress(Exception):
                self._handle(msg)

    def close(self) -> None:
        """Stop after the messages already queued (waits a moment at most)."""
        with contextlib.suppress(Exception):
            self._queue.put(None)
        self._thread.join(timeout=5)
        self._queue.close()
        self._queue.cancel_join_thread()
