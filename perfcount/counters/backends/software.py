"""``software`` backend: the task-clock software event, repeated, median + CV.

Works wherever perf_event_open works at all (also without a PMU), but measures
time, so it is noisy: the candidate's calls are repeated ``repeats`` times
(default 5, each on fresh copies of the inputs) and the cost is the median
task-clock in nanoseconds; the coefficient of variation is reported with it.
"""

from __future__ import annotations

from perfcount.counters.backends.perf import PerfBackend

__all__ = ["SoftwareBackend"]


class SoftwareBackend(PerfBackend):
    name = "software"
    metric = "task-clock"
    measure_backend = "software"

    def default_events(self) -> list[str]:
        return ["task-clock"]

    def default_repeats(self) -> int:
        return 5
