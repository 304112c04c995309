"""Adaptive 1-D clustering of solution costs (DPE, Liu et al. 2024, Figure 3).

The paper's rule, applied to the costs sorted slow -> fast ``t_1 >= t_2 >= ...``:
split between ``t_i`` and ``t_{i+1}`` (``t_i`` "left inclusive") when the
relative drop exceeds an adaptive threshold that uses the *slower* cost::

    (t_i - t_{i+1}) / t_i  >  bias + sqrt(weight / t_i)

Small costs are noisier, so they need a larger relative gap; ``weight`` is in
the unit of the cost (10k instructions in the paper).

Defined edge cases:

- empty input -> ``[]``; one cost -> one cluster;
- ties never split (their drop is 0 and the threshold is at least ``bias >= 0``);
  tied costs are ordered by input index;
- a zero cost cannot split from what follows it: every cost after a zero is
  also zero, the relative drop ``0/0`` is taken as 0 and the threshold as
  infinite. A zero can still split from a slower positive cost before it;
- NaN, infinite or negative costs raise :class:`~perfcount.errors.InvalidArgument`
  naming the first offending index.

The implementation is vectorised: one ``np.sort`` of the values, the rule on
adjacent pairs, and a linear-time bucketing of the input indices by cluster
(no ``argsort`` of the costs). Because each split needs a drop of more than
``bias``, a set has at most about ``log(max/min) / log(1 / (1 - bias))``
clusters, so per-cluster work stays small.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from perfcount.errors import InvalidArgument

__all__ = ["DEFAULT_BIAS", "DEFAULT_WEIGHT", "Cluster", "as_costs", "cluster", "split_points"]

DEFAULT_BIAS = 0.2
DEFAULT_WEIGHT = 10_000

# up to this many clusters, labels are computed with k comparisons per cost
# instead of a binary search (faster for the few clusters real tasks have)
_COMPARE_LIMIT = 24


@dataclass(frozen=True, eq=False)
class Cluster:
    """One efficiency level: costs that are close relative to their size.

    ``members`` are indices into the input, in increasing order (a read-only
    ``numpy`` integer array, so that a million-cost pool clusters fast);
    ``representative`` is the index of the slowest member (the lowest index
    among tied slowest members) -- the one DPE keeps as the reference.
    """

    members: np.ndarray
    slowest: float
    fastest: float
    representative: int

    @property
    def size(self) -> int:
        """Number of costs in the cluster."""
        return int(self.members.size)

    def __len__(self) -> int:
        return self.size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cluster):
            return NotImplemented
        return (
            self.slowest == other.slowest
            and self.fastest == other.fastest
            and self.representative == other.representative
            and np.array_equal(self.members, other.members)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = self.members[:8].tolist()
        more = ", ..." if self.size > 8 else ""
        return (
            f"Cluster(size={self.size}, slowest={self.slowest:g}, fastest={self.fastest:g}, "
            f"representative={self.representative}, members=[{', '.join(map(str, shown))}{more}])"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (members as a list of ints)."""
        return {
            "size": self.size,
            "slowest": self.slowest,
            "fastest": self.fastest,
            "representative": self.representative,
            "members": self.members.tolist(),
        }


def _check_parameters(bias: float, weight: float) -> tuple[float, float]:
    try:
        b, w = float(bias), float(weight)
    except (TypeError, ValueError):
        raise InvalidArgument(
            f"bias and weight must be numbers, got bias={bias!r}, weight={weight!r}"
        ) from None
    if not (math.isfinite(b) and b >= 0):
        raise InvalidArgument(
            f"bias must be a finite number >= 0, got {bias!r}",
            hint="bias is the minimum relative drop between clusters (the paper uses 0.2)",
        )
    if not (math.isfinite(w) and w >= 0):
        raise InvalidArgument(
            f"weight must be a finite number >= 0, got {weight!r}",
            hint="weight scales the threshold for small costs (the paper uses 10_000 instructions)",
        )
    return b, w


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
        v, (bool, np.bool_)
    )


def as_costs(costs: Iterable[float] | np.ndarray, what: str = "costs") -> np.ndarray:
    """Validate costs -> 1-D float64 array; NaN/inf/negative raise ``InvalidArgument``."""
    original = costs
    if isinstance(costs, np.ndarray):
        arr = costs
    else:
        if not isinstance(costs, (list, tuple)):
            original = costs = list(costs)
        try:
            arr = np.asarray(costs)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(f"{what} must be a flat sequence of numbers ({exc})") from None
    if arr.ndim != 1:
        raise InvalidArgument(f"{what} must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind not in "iuf":
        values = original.tolist() if isinstance(original, np.ndarray) else list(original)
        bad = next(
            (i for i, v in enumerate(values) if not _is_number(v)),
            0,
        )
        raise InvalidArgument(
            f"{what}[{bad}] is {values[bad]!r}, not a number",
            hint="pass costs as ints or floats (e.g. instruction counts)",
        )
    arr = arr.astype(np.float64, copy=False)
    ok = np.isfinite(arr) & (arr >= 0)
    if not ok.all():
        bad = int(np.argmin(ok))
        raise InvalidArgument(
            f"{what}[{bad}] is {float(arr[bad])!r}; costs must be finite and >= 0",
            hint="drop failed or unmeasured solutions before clustering",
        )
    return arr


def _faster_split_indices(asc: np.ndarray, bias: float, weight: float) -> np.ndarray:
    """Indices ``j`` (into costs sorted fast -> slow) where ``asc[j+1]`` splits from ``asc[j]``.

    A cheap superset first (a drop above ``bias``, with a slack far above
    rounding error), then the paper's exact expression on those candidates only,
    so the result is bit-for-bit the rule as written.
    """
    slower, faster = asc[1:], asc[:-1]
    # a division, not ``faster < slower * (1 - bias)``: that product underflows
    # for subnormal costs and would hide a real split
    with np.errstate(divide="ignore", invalid="ignore"):
        candidates = np.flatnonzero((slower - faster) / slower > bias - 1e-12)
    if candidates.size == 0:
        return candidates
    t = asc[candidates + 1]  # the slower cost of each pair decides the threshold
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        drop = (t - asc[candidates]) / t  # 0/0 -> nan: never compares greater
        threshold = bias + np.sqrt(weight / t)  # weight/0 -> inf (nan if weight == 0)
    return candidates[drop > threshold]


def split_points(
    sorted_costs: np.ndarray, *, bias: float = DEFAULT_BIAS, weight: float = DEFAULT_WEIGHT
) -> np.ndarray:
    """Positions ``i + 1`` where the rule splits costs already sorted slow -> fast.

    Exposed for tests and for callers who keep their own ordering.
    """
    t = np.asarray(sorted_costs, dtype=np.float64)
    if t.size < 2:
        return np.zeros(0, dtype=np.intp)
    j = _faster_split_indices(t[::-1], bias, weight)
    return (t.size - 1 - j)[::-1]


def cluster(
    costs: Iterable[float] | np.ndarray,
    *,
    bias: float = DEFAULT_BIAS,
    weight: float = DEFAULT_WEIGHT,
) -> list[Cluster]:
    """Cluster ``costs`` with the DPE adaptive rule; clusters come slow -> fast.

    ``costs`` are per-solution mean costs (instructions, ns, ...), any order.
    Returns a partition of the indices: every index is in exactly one cluster,
    and each cluster is a contiguous run of the costs sorted slow -> fast.
    """
    b, w = _check_parameters(bias, weight)
    x = as_costs(costs)
    n = x.size
    if n == 0:
        return []
    asc = np.sort(x)
    # in slow -> fast order, cluster c spans [starts[c], ends[c])
    splits = (n - 1 - _faster_split_indices(asc, b, w))[::-1] if n > 1 else np.zeros(0, np.intp)
    k = splits.size + 1
    starts = np.concatenate(([0], splits)).astype(np.intp)
    ends = np.concatenate((splits, [n])).astype(np.intp)
    slowest = asc[n - 1 - starts]
    fastest = asc[n - ends]

    if k == 1:
        groups = [np.arange(n)]
    else:
        # label = number of slower clusters = how many cluster minima exceed the cost
        bounds = fastest[:-1]
        labels: np.ndarray
        if k <= _COMPARE_LIMIT:
            labels = np.zeros(n, dtype=np.uint8)
            for bound in bounds:
                np.add(labels, x < bound, out=labels, casting="unsafe")
        else:
            # bounds are decreasing; count them above x with a binary search
            labels = (k - 1) - np.searchsorted(bounds[::-1], x, side="right")
            labels = labels.astype(np.uint16 if k <= 65_535 else np.intp)
        order = np.argsort(labels, kind="stable")  # radix sort on small ints
        groups = np.split(order, ends[:-1])

    out = []
    for c, (members, top, bottom) in enumerate(zip(groups, slowest.tolist(), fastest.tolist())):
        members.flags.writeable = False
        if c == 0:
            rep = int(np.argmax(x))  # first index of the overall maximum
        elif k <= _COMPARE_LIMIT:
            rep = int(np.argmax(x == top))  # one pass; cheaper than gathering the members
        else:
            rep = int(members[int(np.argmax(x[members] == top))])
        out.append(Cluster(members=members, slowest=top, fastest=bottom, representative=rep))
    return out
