"""The interface every measurement backend implements.

A backend has two halves. The *in-process half* (:meth:`Backend.region`) is a
context manager around a region of the user's own process (``measure()``,
the pytest plugin). The *whole-life half* is for candidates, which are counted
from outside their process by the fork server, from the moment the child is let
go to its whole result (perf/software) or its exit (callgrind, qemu; see
:mod:`perfcount.execute.server`): :meth:`Backend.run_values`
turns what the server reported for one run (the perf group it read; for
valgrind, valgrind's logs of the candidate's processes) into values, and
:meth:`Backend.summarise` turns the runs into a
:class:`perfcount.counters.region.Counts` and one cost in the backend's metric.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from perfcount._util.stats import median, median_cv
from perfcount.counters.events import parse_events
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
    #: "native" (plain interpreter), "valgrind", "cachegrind" or "qemu" (what the server runs under)
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

    def auto_refusal(self) -> str | None:
        """Why ``auto`` must not pick this backend although it works here (None: it may)."""
        return None

    def tool(self) -> str:
        """The measuring tool and the settings its counts depend on ("" when none but
        the kernel's, which the machine fingerprint names): part of the reference
        cache's key, so that an upgraded tool never reuses another's costs."""
        return ""

    # -- in-process half (measure()/count() in the user's own process) ---------------
    @contextmanager
    def region(self, label: str) -> Iterator[Region]:
        """Measure the body; fill the yielded :class:`Region` on exit."""
        raise NotImplementedError
        yield Region()  # pragma: no cover

    # -- whole-life half (a candidate counted from outside by the fork server) ------
    def run_values(self, run: dict[str, Any]) -> Region:
        """One counted run of a candidate (as the fork server reported it) -> its values.

        The perf-based backends' group was read by the server: ``run["values"]``.
        Raises :class:`CandidateError` when the run's count cannot be trusted.
        """
        raw = run.get("values")
        if not isinstance(raw, dict) or not isinstance(raw.get("values"), dict):
            raise BackendError("the fork server reported no count for the candidate")
        return Region(
            values={k: float(v) for k, v in raw["values"].items()},
            scaled=list(raw.get("scaled", ())),
            not_counted=list(raw.get("not_counted", ())),
        )

    def summarise(
        self, runs: list[dict[str, Any]], *, overhead: dict[str, float] | None = None
    ) -> Summary:
        """Counted runs -> Counts + cost (median over repeats), less the harness's ``overhead``.

        ``overhead`` is what an empty candidate costs measured the same way (the
        harness's own share of a whole-life count); it is subtracted from every
        run, never below zero (the metric never below one unit).
        """
        if not runs:
            raise ValueError("no counted run came back from the candidate")
        regions = [self.run_values(r) for r in runs]
        metric = self.metric
        if any(metric not in r.values for r in regions):
            raise BackendError(
                f"the metric event {metric!r} was not counted in the candidate's run",
                hint="the counter could not be scheduled (multiplexing/pinning); "
                "measure fewer events at a time",
            )
        sub = dict(overhead or {})
        for r in regions:
            r.values = {k: max(0.0, v - sub.get(k, 0.0)) for k, v in r.values.items()}
        # the metric never below one unit: a cost of zero has no place in the clustering
        for r in regions:
            r.values[metric] = max(1.0, r.values[metric])
        costs = [r.values[metric] for r in regions]
        cost, cv = median_cv(costs)
        values = {
            name: median(r.values[name] for r in regions if name in r.values)
            for name in regions[0].values
        }
        counts = Counts(
            data=values,
            backend=self.name,
            scaled=frozenset(n for r in regions for n in r.scaled),
            not_counted=frozenset(regions[0].not_counted),
            overhead={k: float(v) for k, v in sub.items()},
        )
        return Summary(counts=counts, cost=cost, repeats=len(regions), cv=cv)


class InstructionsOnly(Backend):
    """A deterministic backend that counts instructions and nothing else (valgrind, qemu, cachegrind)."""

    metric = "instructions"

    def default_events(self) -> list[str]:
        return ["instructions"]

    def check_events(self, events: list[str]) -> None:
        if [e.name for e in parse_events(events)] != ["instructions"]:
            raise InvalidArgument(
                f"the {self.name} backend counts instructions only, not {list(events)}",
                hint="drop events=, or use backend='perf'/'software' for other events",
            )
