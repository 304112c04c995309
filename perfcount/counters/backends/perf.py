"""``perf`` backend: a perf_event counter group around the calls (hardware counters).

Metric: the first event (``instructions`` by default). On machines without a
PMU the hardware events do not open and :meth:`check_available` raises
:class:`perfcount.errors.CounterUnavailable`; software events
(``events=["task-clock", "page-faults"]``) still work through the same path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from perfcount.counters.backends.base import Backend, Region
from perfcount.counters.events import DEFAULT_PERF_EVENTS, parse_events

__all__ = ["PerfBackend"]


class PerfBackend(Backend):
    name = "perf"
    metric = "instructions"
    #: which ``measure()`` backend opens the group
    measure_backend = "perf"

    def default_events(self) -> list[str]:
        return list(DEFAULT_PERF_EVENTS)

    def check_events(self, events: list[str]) -> None:
        parse_events(events)  # unknown names fail here, with suggestions

    def check_available(self) -> None:
        from perfcount.counters.region import measure

        with measure(self.events, backend=self.measure_backend):
            pass

    @contextmanager
    def region(self, label: str) -> Iterator[Region]:
        from perfcount.counters.region import measure

        out = Region()
        with measure(self.events, backend=self.measure_backend) as m:
            yield out
        counts = m.counts
        out.values = {k: float(v) for k, v in counts.items()}
        out.scaled = sorted(counts.scaled)
        out.not_counted = sorted(counts.not_counted)
        out.overhead = {k: float(v) for k, v in counts.overhead.items()}
