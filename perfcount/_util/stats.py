"""The statistics perfcount reports over repeats: median, coefficient of variation.

One definition for every backend, runner and report: the median is the
headline value of repeated measurements (robust to an outlier repeat), and the
CV is the sample standard deviation (n-1) over the mean — ``None`` for a single
value (there is no spread to report) and 0 for a zero mean.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

__all__ = ["cv", "median", "median_cv"]


def median(values: Iterable[float]) -> float:
    """The median as a float (the mean of the middle two for an even count)."""
    return float(statistics.median(list(values)))


def cv(values: Iterable[float]) -> float | None:
    """stdev (n-1) / mean; ``None`` for fewer than two values, 0.0 for a zero mean."""
    vals = [float(v) for v in values]
    if len(vals) < 2:
        return None
    mean = statistics.fmean(vals)
    return statistics.stdev(vals) / mean if mean else 0.0


def median_cv(values: Iterable[float]) -> tuple[float, float | None]:
    """``(median, cv)`` of ``values`` (which must not be empty)."""
    vals = [float(v) for v in values]
    if not vals:
        raise ValueError("no values")
    return median(vals), cv(vals)
