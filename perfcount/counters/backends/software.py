"""``software`` backend: software events (task-clock is the metric), repeated, median + CV.

Works wherever perf_event_open works at all (also without a PMU), but measures
time, so it is noisy: the candidate's calls are repeated ``repeats`` times
(default 5, each on fresh copies of the inputs) and the cost is the median
task-clock in nanoseconds; the coefficient of variation is reported with it.
"""

from __future__ import annotations

from perfcount.counters.backends.perf import PerfBackend
from perfcount.counters.events import default_software_events, parse_events
from perfcount.errors import InvalidArgument

__all__ = ["SoftwareBackend"]


class SoftwareBackend(PerfBackend):
    name = "software"
    metric = "task-clock"
    measure_backend = "software"

    def default_events(self) -> list[str]:
        return list(default_software_events())

    def check_events(self, events: list[str]) -> None:
        hw = [e.name for e in parse_events(events) if not e.is_software]
        if hw:
            raise InvalidArgument(
                f"backend='software' counts software events only, not {', '.join(hw)}",
                hint="use backend='perf' (or 'auto') for hardware events",
            )

    def default_repeats(self) -> int:
        return 5
