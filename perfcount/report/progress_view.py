"""The default progress view of a pipeline run (``progress=True``).

On a terminal, a live view (rich, refreshed 4 times a second so that times
tick): the tasks and samples done so far with bars, then one row per task in
progress — which sample it is on (``sample 3/8``), what that sample is doing
(checking correctness, profiling, profiling references ...) and for how long.
Each finished task also leaves a line above the live area.

Elsewhere (CI logs, pipes, notebooks), plain lines, never rewritten: one per
finished task with its counts and time (``[3/5] kth_smallest: 4 samples, 3
passed, DPS 62.5, 12.3 s``), and one when a task has spent
``note_after_s`` seconds profiling its references (a cold cache).

The events come from :mod:`perfcount.pipeline.progress`.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

__all__ = ["LiveView", "PlainLines", "finished_line", "progress_view"]

#: a task that spends this long profiling its references gets a plain line saying so
NOTE_AFTER_S = 3.0


def _clock(seconds: float) -> str:
    s = int(max(0.0, seconds))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def finished_line(event: Any) -> str:
    """``[3/5] kth_smallest: 4 samples, 3 passed, DPS 62.5, 12.3 s`` for a ``"task"`` event."""
    text = f"[{event.done}/{event.total}] {event.item}: {event.status}"
    if event.item_elapsed_s is not None:
        text += f", {event.item_elapsed_s:.1f} s"
    return text


def _is_reference_wait(step: str | None) -> bool:
    return step is not None and "reference" in step


@dataclass
class _Running:
    """A task in progress, as the live view shows it."""

    started: float
    sample: int | None = None
    n_samples: int | None = None
    step: str | None = None
    detail: str | None = None
    step_started: float = 0.0
    step_took: float | None = None  # a step that ended: its time (no longer ticking)


class LiveView:
    """State of a run fed by progress events (call it), drawn by rich (``__rich__``).

    Rendering reads the clock, so every refresh of a ``rich.live.Live`` shows
    the elapsed times ticking; ``print_finished`` prints finished tasks' lines
    through that console (above the live area).
    """

    def __init__(self, plan: Any, *, print_finished: Callable[[str], None] | None = None) -> None:
        self.plan = plan
        self._print = print_finished
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self.done = plan.completed
        self.samples_done = getattr(plan, "samples_completed", 0)
        self.samples_total: int | None = getattr(plan, "samples", None)
        self.running: dict[str, _Running] = {}

    def __call__(self, event: Any) -> None:
        now = time.monotonic()
        with self._lock:
            self.done = event.done
            self.samples_done = event.samples_done
            if event.samples_total is not None:
                self.samples_total = event.samples_total
            if event.kind == "task":
                self.running.pop(event.item, None)
            else:
                run = self.running.setdefault(event.item, _Running(started=now, step_started=now))
                if event.n_samples is not None:
                    run.n_samples = event.n_samples
                if event.kind == "sample_start":
                    run.sample, run.step, run.detail = event.sample, event.step, event.detail
                    run.step_started, run.step_took = now, None
                elif event.kind == "step":
                    run.step, run.detail = event.step, event.detail
                elif event.kind == "sample_end":
                    run.step, run.detail = f"{event.step}: {event.status}", None
                    run.step_took = now - run.step_started
        if event.kind == "task" and self._print is not None:
            self._print(finished_line(event))

    def __rich__(self) -> RenderableType:
        now = time.monotonic()
        with self._lock:
            head = Table.grid(padding=(0, 1))
            cells: list[RenderableType] = [Text(self.plan.phase, style="bold")]
            cells += [
                ProgressBar(total=max(self.plan.total, 1), completed=self.done, width=24),
                Text(f"{self.done}/{self.plan.total} tasks"),
            ]
            if self.samples_total:
                cells += [
                    ProgressBar(total=self.samples_total, completed=self.samples_done, width=24),
                    Text(f"{self.samples_done}/{self.samples_total} samples"),
                ]
            cells.append(Text(_clock(now - self._start), style="dim"))
            head.add_row(*cells)
            rows = Table.grid(padding=(0, 2))
            for item, run in self.running.items():
                where = (
                    f"sample {run.sample}/{run.n_samples}"
                    if run.sample is not None and run.n_samples
                    else ("starting" if run.n_samples else "")
                )
                doing = run.step or ""
                if run.detail:
                    doing += f" ({run.detail})"
                style = "yellow" if _is_reference_wait(run.step) else None
                rows.add_row(
                    Text(f"  {item}", style="bold"),
                    Text(where),
                    Text(doing, style=style),
                    Text(_clock(run.step_took or now - run.step_started)),
                    Text(f"task {_clock(now - run.started)}", style="dim"),
                )
        return Group(head, rows) if self.running else head


class PlainLines:
    """Plain progress lines (no terminal): one per finished task, one per slow reference phase.

    A task whose references (not cached yet) have been profiled for
    ``note_after_s`` seconds in total gets one line saying so, printed when
    the time is reached (a timer) or, with ``note_after_s=0``, at once.
    """

    def __init__(self, write: Callable[[str], None], *, note_after_s: float = NOTE_AFTER_S) -> None:
        self._write = write
        self._after = note_after_s
        self._lock = threading.Lock()
        self._waits: dict[str, dict[str, Any]] = {}  # task id -> reference-wait state
        self._noted: set[str] = set()
        self._finished: set[str] = set()

    def _note(self, item: str, state: dict[str, Any]) -> None:
        # under the lock
        if item in self._noted or item in self._finished:
            return
        self._noted.add(item)
        spent = state["spent"] + (
            time.monotonic() - state["since"] if state["since"] is not None else 0.0
        )
        detail = f", {state['detail']}" if state.get("detail") else ""
        self._write(
            f"      {item}: profiling its references on this machine "
            f"(not cached yet{detail}), {spent:.1f} s so far"
        )

    def _fire(self, item: str, since: float) -> None:
        with self._lock:
            state = self._waits.get(item)
            if state is not None and state["since"] == since:
                self._note(item, state)

    def __call__(self, event: Any) -> None:
        with self._lock:
            item = event.item
            if event.kind == "task":
                self._finished.add(item)
                state = self._waits.pop(item, None)
                if state is not None and state["timer"] is not None:
                    state["timer"].cancel()
                self._write(finished_line(event))
                return
            if event.kind != "step" or item in self._noted:
                return
            state = self._waits.setdefault(
                item, {"spent": 0.0, "since": None, "timer": None, "detail": None}
            )
            now = time.monotonic()
            if _is_reference_wait(event.step):
                if state["since"] is None:
                    state["since"], state["detail"] = now, event.detail
                    left = self._after - state["spent"]
                    if left <= 0:
                        self._note(item, state)
                    else:
                        timer = threading.Timer(left, self._fire, (item, now))
                        timer.daemon = True
                        state["timer"] = timer
                        timer.start()
            elif state["since"] is not None:
                state["spent"] += now - state["since"]
                state["since"] = None
                if state["timer"] is not None:
                    state["timer"].cancel()
                    state["timer"] = None

    def close(self) -> None:
        with self._lock:
            for state in self._waits.values():
                if state["timer"] is not None:
                    state["timer"].cancel()
            self._waits.clear()


@contextlib.contextmanager
def progress_view(
    plan: Any,
    *,
    file: Any = None,
    console: Console | None = None,
    note_after_s: float = NOTE_AFTER_S,
) -> Iterator[Callable[[Any], None]]:
    """The default progress of a pipeline run (a ``ProgressPlan``): yields a sink for its events.

    ``console`` (default: one on ``file``, default stderr) decides: a terminal
    gets the live view, anything else plain lines.
    """
    console = console or Console(file=file or sys.stderr)
    if plan.total <= 0:
        yield lambda event: None
        return
    if not console.is_terminal:

        def write(text: str) -> None:
            console.print(text, markup=False, highlight=False, soft_wrap=True)
            with contextlib.suppress(Exception):
                console.file.flush()  # a log follower sees each line as it happens

        lines = PlainLines(write, note_after_s=note_after_s)
        try:
            yield lines
        finally:
            lines.close()
        return
    view = LiveView(
        plan,
        print_finished=lambda text: console.print(text, markup=False, highlight=False),
    )
    with Live(view, console=console, refresh_per_second=4, transient=False):
        yield view
