"""Progress of a pipeline run, as data: the pipelines call back, they never print.

``curate`` and ``evaluate`` take ``progress``: ``False`` (silent), a callable
that receives a :class:`ProgressEvent` per finished item, or ``True`` for the
default view that :mod:`perfcount.report` registers (a rich bar on a terminal,
one plain line per item otherwise).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from perfcount._util import views

__all__ = ["ProgressEvent", "ProgressPlan", "Reporter", "reporter"]


@dataclass(frozen=True)
class ProgressPlan:
    """What a run will do: its phase ("curate", "evaluate"), how many items, how many already done."""

    phase: str
    total: int
    completed: int = 0


@dataclass(frozen=True)
class ProgressEvent:
    """One finished item (a task) of a run."""

    phase: str
    item: str
    done: int
    total: int
    status: str
    elapsed_s: float
    line: Mapping[str, Any] = field(default_factory=dict)


Reporter = Callable[[ProgressEvent], None]


@contextlib.contextmanager
def reporter(
    progress: bool | Reporter, plan: ProgressPlan
) -> Iterator[Callable[[str, str, Mapping[str, Any]], None]]:
    """Yield ``advance(item, status, line)``, which builds the event and hands it on."""
    start = time.monotonic()
    done = plan.completed
    lock = threading.Lock()  # curation advances from worker threads
    if progress is True:
        cm: Any = views.render(plan, "progress")
    elif callable(progress):
        cm = contextlib.nullcontext(progress)
    else:
        cm = contextlib.nullcontext(None)
    with cm as sink:

        def advance(item: str, status: str, line: Mapping[str, Any]) -> None:
            nonlocal done
            with lock:
                done += 1
                event = ProgressEvent(
                    plan.phase, item, done, plan.total, status, time.monotonic() - start, line
                )
                if sink is not None:
                    sink(event)

        yield advance
