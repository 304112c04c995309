"""The interface every measurement backend implements.

A backend has two halves. The *child half* runs inside the forked candidate
process: :meth:`Backend.region` is a context manager around the measured calls
and leaves raw, JSON-ready numbers on the object it yields. The *parent half*
(:meth:`Backend.summarise`) runs in the evaluator and turns those raw numbers
(plus, for valgrind, the dump files the child left) into a
:class:`perfcount.counters.region.Counts` and one cost in the backend's metric.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfcount._util.stats import median, median_cv
from perfcount.counters.region import Counts
from perfcount.errors import BackendError, InvalidArgument

__all__ = ["Backend", "Region", "Summary"]


@dataclass
class Region:
    """What the child half measured for one repeat (raw, JSON-ready)."""

    values: dict[str, float] = field(default_factory=dict)
    scaled: list[str] = field(default_factory=list)
    not_counted: list[str] = field(default_factory=list)
    overhead: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "scaled": self.scaled,
            "not_counted": self.not_counted,
            "overhead": self.overhead,
        }


@dataclass(frozen=True)
class Summary:
    """A backend's verdict on one profiled candidate."""

    counts: Counts
    cost: float
    repeats: int = 1
    cv: float | None = None


class Backend:
    """Base class: ``name``, ``metric``, how many ``repeats`` and which fork server."""

    name: str = ""
    metric: str = ""
    #: "native" (plain interpreter) or "valgrind" (server runs under callgrind)
    server: str = "native"
    #: how much slower than native the candidate runs; timeouts are multiplied by it
    timeout_factor: float = 1.0

    def __init__(self, events: Sequence[str] | None = None, repeats: int | None = None) -> None:
        if repeats is not None and (
            isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1
        ):
            raise InvalidArgument(f"repeats must be a positive integer, got {repeats!r}")
        self.events: list[str] = list(events) if events else self.default_events()
        self.check_events(self.events)
        self.repeats: int = repeats if repeats is not None else self.default_repeats()
        if self.events:
            self.metric = self.events[0]

    def default_events(self) -> list[str]:
        return []

    def default_repeats(self) -> int:
        return 1

    def check_events(self, events: list[str]) -> None:
        """Raise :class:`InvalidArgument` for events this backend cannot count."""

    def check_in_process(self) -> None:
        """Raise a :class:`BackendError` if this backend cannot count a region in this process."""

    def check_available(self) -> None:
        """Raise a :class:`perfcount.errors.PerfcountError` naming the fix if unusable here."""

    def spec(self) -> dict[str, Any]:
        """What the child needs to rebuild this backend (sent over the protocol)."""
        return {"name": self.name, "events": self.events, "repeats": self.repeats}

    # -- child half -------------------------------------------------------------
    @contextmanager
    def region(self, label: str) -> Iterator[Region]:
        """Measure the body; fill the yielded :class:`Region` on exit."""
        raise NotImplementedError
        yield Region()  # pragma: no cover

    # -- parent half ------------------------------------------------------------
    def summarise(
        self, raw: list[dict[str, Any]], *, pid: int, label: str, out_dir: Path
    ) -> Summary:
        """Raw regions from the child -> Counts + cost (median over repeats)."""
        if not raw:
            raise ValueError("no measured region came back from the candidate")
        metric = self.metric
        if any(metric not in r.get("values", {}) for r in raw):
            raise BackendError(
                f"the metric event {metric!r} was not counted in the candidate's region",
                hint="the counter could not be scheduled (multiplexing/pinning); "
                "measure fewer events at a time",
            )
        costs = [float(r["values"][metric]) for r in raw]
        cost, cv = median_cv(costs)
        values = {
            name: median(float(r["values"][name]) for r in raw if name in r["values"])
            for name in raw[0]["values"]
        }
        first = raw[0]
        counts = Counts(
            data=values,
            backend=self.name,
            scaled=frozenset(n for r in raw for n in r.get("scaled", ())),
            not_counted=frozenset(first.get("not_counted", ())),
            overhead=dict(first.get("overhead", {})),
        )
        return Summary(counts=counts, cost=cost, repeats=len(raw), cv=cv)
