"""Reference sets and the Differential Performance Score (DPE, Liu et al. 2024, §2.5).

A task keeps, slow -> fast, the slowest solution of each of its ``m`` clusters
with its cumulative ratio ``r_i`` (the share of the curation pool in clusters
``1..i``, on EvalPerf's 0-100 scale, ``r_m = 100``). A candidate of cost ``t*``
scores, against reference costs ``t_i`` re-measured on the same machine with
the same backend::

    DPS      = max({0} ∪ {r_i         : t_i ≥ t*})
    DPS_norm = max({0} ∪ {100 * i / m : t_i ≥ t*})      (i is 1-based here)

Matching is **inclusive** by default (``match="inclusive"``), as EvalPlus — the
reference implementation — computes it and as the paper's prose says ("matches
… leading to a score of 100"): a candidate exactly as costly as reference
``i`` gets its credit. With deterministic counts exact ties are common (models
emit a reference's code verbatim), and a strict rule would put such a
candidate on either side of its own reference by chance. ``match="strict"``
is the paper's formula (``t_i > t*``). ``tolerance`` (in the metric's unit)
widens a tie for noisy backends: a candidate within it of a reference ties
with it (inclusive: matches it; strict: does not). :func:`default_tolerance`
gives the per-backend value.

``Score.cluster`` is EvalPerf's ``matching_cluster_idx``: the 0-based index
``j`` of the *fastest* reference that is still slower than the candidate
(EvalPlus scans the references fast -> slow and stops at the first such one),
so ``dps = r_j`` and ``dps_norm = 100 * (j + 1) / m``; ``-1`` when no reference
is slower (DPS 0).

Re-measured references may come out of order (a reference "faster than the
next faster one"). EvalPlus warns about it. Here ``check_order()`` lists the
problems and the ``policy`` decides: ``"warn"`` (keep them and warn),
``"drop"`` (drop the offending references), ``"error"`` or ``"ignore"``. The
scan goes fast -> slow like EvalPlus's reference profiling: the fastest
reference is always kept, and a reference is an offender when it is not
strictly slower than the nearest faster reference that is kept. Dropping
reference ``i`` folds its cluster into the next faster kept cluster: the kept
cumulative ratios stay as they are (each still counts every solution at least
as slow as its cluster), the sizes merge, and ``DPS_norm`` renormalises to
the new ``m``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from perfcount._util import views
from perfcount.dpe.clustering import DEFAULT_BIAS, DEFAULT_WEIGHT, Cluster, as_costs, cluster
from perfcount.errors import InvalidArgument

__all__ = [
    "POLICIES",
    "OrderProblem",
    "ReferenceOrderWarning",
    "ReferenceSet",
    "Score",
    "ScoreResult",
]

POLICIES = ("warn", "drop", "error", "ignore")


class ReferenceOrderWarning(UserWarning):
    """Re-measured reference costs are not strictly decreasing slow -> fast."""


@dataclass(frozen=True)
class OrderProblem:
    """Reference ``index`` is not slower than the faster reference ``next_index``."""

    index: int
    cost: float
    next_index: int
    next_cost: float

    def __str__(self) -> str:
        return (
            f"reference {self.index} (cost {self.cost:g}) is not slower than "
            f"reference {self.next_index} (cost {self.next_cost:g})"
        )


@dataclass(frozen=True)
class Score:
    """Where one cost lands among the references (see the module docstring).

    ``margin`` is the signed distance (in the metric's unit) from the cost to
    the nearest reference cost, positive when the candidate is cheaper; a
    score is *fragile* when ``abs(margin)`` is within the tie tolerance, i.e.
    noise of that size could move it across a boundary.
    """

    dps: float
    dps_norm: float
    cluster: int
    margin: float | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dps": self.dps,
            "dps_norm": self.dps_norm,
            "cluster": self.cluster,
            "margin": self.margin,
        }

    def fragile(self, tolerance: float) -> bool:
        """Whether this score is within ``tolerance`` of a reference boundary."""
        return self.margin is not None and abs(self.margin) <= tolerance

    @classmethod
    def at(cls, j: int, scores: Sequence[float]) -> Score:
        """The score of matching reference ``j`` (slow→fast, 0-based) of ``len(scores)``; -1 → none.

        The one place the DPE formula is written: ``DPS = r_j`` and
        ``DPS_norm = 100·(j+1)/m``; no matched reference scores 0.
        """
        if j < 0:
            return cls(0.0, 0.0, -1)
        return cls(float(scores[j]), 100.0 * (j + 1) / len(scores), j)


MATCH_RULES = ("inclusive", "strict")


def check_match(match: Any) -> str:
    """``match`` validated: ``"inclusive"`` (EvalPlus, the default) or ``"strict"`` (the paper)."""
    if match not in MATCH_RULES:
        raise InvalidArgument(
            f"match must be one of {', '.join(MATCH_RULES)}, got {match!r}",
            hint="inclusive: a candidate as costly as a reference gets its score (EvalPlus); "
            "strict: only a costlier reference counts (the paper's formula)",
        )
    return str(match)


#: tie tolerance per backend, in the backend's metric: callgrind counts are
#: deterministic; hardware instruction counts vary by a few hundred
#: instructions run to run (the DPE paper's measurement); task-clock noise is
#: taken from each candidate's repeats instead (see default_tolerance)
BACKEND_TOLERANCE: Mapping[str, float] = {"valgrind": 0.0, "perf": 300.0, "software": 0.0}


#: the most spread a software (task-clock) measurement may claim as its tie tolerance:
#: a candidate chooses its own spread (one slow repeat out of five makes the CV ~1.5, and
#: everything would tie), so it is capped
MAX_SOFTWARE_CV = 0.10


def default_tolerance(backend: str, *, cost: float | None = None, cv: float | None = None) -> float:
    """The tie tolerance for a cost measured with ``backend``.

    For ``software`` (task-clock) it is the measured spread of the repeats,
    ``cv × cost``, when both are known, with the CV capped at
    :data:`MAX_SOFTWARE_CV`; else the backend's fixed value.
    """
    if backend == "software" and cost is not None and cv is not None:
        return float(min(abs(cv), MAX_SOFTWARE_CV) * abs(cost))
    return float(BACKEND_TOLERANCE.get(backend, 0.0))


def _check_tolerance(tolerance: Any) -> float:
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float, np.number)):
        raise InvalidArgument(f"tolerance must be a number >= 0, got {tolerance!r}")
    tol = float(tolerance)
    if not (math.isfinite(tol) and tol >= 0):
        raise InvalidArgument(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    return tol


def _check_cost(cost: float) -> float:
    if isinstance(cost, (bool, np.bool_)) or not isinstance(cost, (int, float, np.number)):
        raise InvalidArgument(f"cost must be a number, got {cost!r}")
    t = float(cost)
    if not (math.isfinite(t) and t >= 0):
        raise InvalidArgument(
            f"cost must be a finite number >= 0, got {cost!r}",
            hint="a failed or timed-out candidate has no cost; do not score it",
        )
    return t


class ReferenceSet:
    """The stored references of one task: costs slow -> fast, cumulative scores.

    ``ReferenceSet(costs, scores, sizes=None, *, representatives=None,
    policy="warn")`` builds the evaluation side from stored (or re-measured)
    costs; :meth:`from_costs` builds it from a curation pool.

    Attributes: ``costs``, ``scores`` (0-100, non-decreasing), ``sizes``
    (cluster sizes or ``None``), ``representatives`` (indices into the pool
    for sets built by :meth:`from_costs`, else ``None``), ``problems`` (order
    problems found at construction), ``dropped`` (positions in the given
    costs removed under ``policy="drop"``).
    """

    __slots__ = ("clusters", "costs", "dropped", "problems", "representatives", "scores", "sizes")

    def __init__(
        self,
        costs: Iterable[float],
        scores: Iterable[float],
        sizes: Iterable[int] | None = None,
        *,
        representatives: Iterable[int] | None = None,
        policy: str = "warn",
    ) -> None:
        if policy not in POLICIES:
            raise InvalidArgument(
                f"policy must be one of {', '.join(POLICIES)}; got {policy!r}",
            )
        c = as_costs(costs, "reference costs").tolist()
        m = len(c)
        if m == 0:
            raise InvalidArgument(
                "a reference set needs at least one reference",
                hint="a task without references cannot be scored",
            )
        s = _numbers(scores, "scores")
        if len(s) != m:
            raise InvalidArgument(f"{m} reference costs but {len(s)} scores; give one score each")
        for i, v in enumerate(s):
            if not (0 <= v <= 100):
                raise InvalidArgument(
                    f"scores[{i}] is {v!r}; scores are cumulative ratios in 0-100",
                    hint="EvalPerf stores 0-100; multiply 0-1 ratios by 100",
                )
            if i and v < s[i - 1]:
                raise InvalidArgument(
                    f"scores[{i}] = {v!r} is below scores[{i - 1}] = {s[i - 1]!r}; "
                    "cumulative scores must be non-decreasing slow -> fast"
                )
        z: list[int] | None = None
        if sizes is not None:
            z = list(sizes)
            if (
                len(z) != m
                or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in z)
                or any(v <= 0 for v in z)
            ):
                raise InvalidArgument(f"sizes must be {m} positive integers, got {z!r}")
            z = [int(v) for v in z]
        r: list[int] | None = None
        if representatives is not None:
            r = list(representatives)
            if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in r):
                raise InvalidArgument(f"representatives must be integer indices, got {r!r}")
            r = [int(v) for v in r]
            if len(r) != m:
                raise InvalidArgument(f"representatives must have {m} entries, got {len(r)}")

        problems = _order_problems(c)
        dropped: list[int] = []
        if problems:
            text = "; ".join(map(str, problems))
            if policy == "error":
                raise InvalidArgument(
                    f"reference costs are not strictly decreasing: {text}",
                    hint="re-measure the references or use policy='drop'",
                )
            if policy == "warn":
                warnings.warn(
                    f"reference costs are not strictly decreasing: {text} "
                    "(kept; use policy='drop' to drop them)",
                    ReferenceOrderWarning,
                    stacklevel=2,
                )
            elif policy == "drop":
                dropped = sorted(p.index for p in problems)
                c, s, z, r = _drop(dropped, c, s, z, r)
        self.costs: tuple[float, ...] = tuple(c)
        self.scores: tuple[float, ...] = tuple(s)
        self.sizes: tuple[int, ...] | None = tuple(z) if z is not None else None
        self.representatives: tuple[int, ...] | None = tuple(r) if r is not None else None
        self.problems: tuple[OrderProblem, ...] = tuple(problems)
        self.dropped: tuple[int, ...] = tuple(dropped)
        self.clusters: tuple[Cluster, ...] | None = None

    # ---------------------------------------------------------------- building
    @classmethod
    def from_costs(
        cls,
        costs: Iterable[float] | np.ndarray,
        *,
        bias: float = DEFAULT_BIAS,
        weight: float = DEFAULT_WEIGHT,
    ) -> ReferenceSet:
        """Curation side: cluster a pool's costs, keep the slowest of each cluster.

        ``representatives`` are indices into ``costs``; ``scores`` are the
        cumulative shares of the pool ``100 * (n_1 + ... + n_i) / n``.
        ``clusters`` keeps the full :class:`~perfcount.dpe.clustering.Cluster` list.
        """
        clusters = cluster(costs, bias=bias, weight=weight)
        if not clusters:
            raise InvalidArgument("cannot build references from an empty pool of costs")
        sizes = [c.size for c in clusters]
        total = sum(sizes)
        cumulative = np.cumsum(sizes)
        scores = [100.0 * float(v) / total for v in cumulative[:-1]] + [100.0]
        refs = cls(
            [c.slowest for c in clusters],
            scores,
            sizes,
            representatives=[c.representative for c in clusters],
            policy="error",  # cannot happen: clusters are strictly separated
        )
        refs.clusters = tuple(clusters)
        return refs

    def with_costs(self, costs: Iterable[float], *, policy: str = "warn") -> ReferenceSet:
        """The same references re-measured (e.g. on this machine), order-checked per ``policy``."""
        new = as_costs(costs, "reference costs")
        if new.size != len(self.costs):
            raise InvalidArgument(
                f"{new.size} costs for {len(self.costs)} references; re-measure every reference"
            )
        return ReferenceSet(
            new,
            self.scores,
            self.sizes,
            representatives=self.representatives,
            policy=policy,
        )

    def check_order(self) -> list[OrderProblem]:
        """Order problems of the current costs (empty when strictly decreasing)."""
        return _order_problems(list(self.costs))

    # ---------------------------------------------------------------- scoring
    def score(
        self,
        cost: float,
        *,
        match: str = "inclusive",
        tolerance: float = 0.0,
        inclusive: bool | None = None,
    ) -> Score:
        """DPS, DPS_norm, matched cluster and margin of one candidate cost.

        ``match`` is ``"inclusive"`` (EvalPlus: a reference within ``tolerance``
        of the candidate counts) or ``"strict"`` (the paper: only references
        costlier by more than ``tolerance``). ``inclusive=`` is the older
        spelling of the same choice.
        """
        t = _check_cost(cost)
        return self.score_many([t], match=match, tolerance=tolerance, inclusive=inclusive)[0]

    def score_many(
        self,
        costs: Iterable[float],
        *,
        match: str = "inclusive",
        tolerance: float = 0.0,
        inclusive: bool | None = None,
    ) -> list[Score]:
        """:meth:`score` for many costs at once (vectorised)."""
        rule = check_match(match if inclusive is None else ("inclusive" if inclusive else "strict"))
        tol = _check_tolerance(tolerance)
        x = as_costs(costs, "costs")
        ref = np.asarray(self.costs, dtype=float)
        diff = ref[None, :] - x[:, None]  # > 0: the reference is costlier
        matches = diff >= -tol if rule == "inclusive" else diff > tol
        m = ref.size
        # index of the last True in each row (fastest matching reference), -1 if none
        last = m - 1 - np.argmax(matches[:, ::-1], axis=1)
        last[~matches.any(axis=1)] = -1
        nearest = np.argmin(np.abs(diff), axis=1) if m else None
        out = []
        for row, j in enumerate(last.tolist()):
            s = Score.at(j, self.scores)
            margin = None if nearest is None else float(diff[row, nearest[row]])
            out.append(Score(s.dps, s.dps_norm, s.cluster, margin))
        return out

    # ---------------------------------------------------------------- data
    def __len__(self) -> int:
        return len(self.costs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReferenceSet):
            return NotImplemented
        return (
            self.costs == other.costs
            and self.scores == other.scores
            and self.sizes == other.sizes
            and self.representatives == other.representatives
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        pairs = ", ".join(f"{c:g}:{s:.4g}" for c, s in zip(self.costs, self.scores))
        return f"ReferenceSet(m={len(self)}, cost:score=[{pairs}])"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :meth:`from_dict` reads it back."""
        d: dict[str, Any] = {"costs": list(self.costs), "scores": list(self.scores)}
        if self.sizes is not None:
            d["sizes"] = list(self.sizes)
        if self.representatives is not None:
            d["representatives"] = list(self.representatives)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, policy: str = "warn") -> ReferenceSet:
        try:
            costs, scores = data["costs"], data["scores"]
        except KeyError as exc:
            raise InvalidArgument(f"reference set data misses {exc.args[0]!r}") from None
        return cls(
            costs,
            scores,
            data.get("sizes"),
            representatives=data.get("representatives"),
            policy=policy,
        )


def _numbers(values: Iterable[Any], what: str) -> list[float]:
    out = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)):
            raise InvalidArgument(f"{what}[{i}] is {v!r}, not a number")
        out.append(float(v))
    return out


def _order_problems(costs: Sequence[float]) -> list[OrderProblem]:
    """Fast -> slow scan keeping the fastest; offenders are not slower than the last kept."""
    problems: list[OrderProblem] = []
    if not costs:
        return problems
    kept = len(costs) - 1
    for i in range(len(costs) - 2, -1, -1):
        if costs[i] > costs[kept]:
            kept = i
        else:
            problems.append(OrderProblem(i, costs[i], kept, costs[kept]))
    problems.reverse()
    return problems


def _drop(
    dropped: list[int],
    costs: list[float],
    scores: list[float],
    sizes: list[int] | None,
    reps: list[int] | None,
) -> tuple[list[float], list[float], list[int] | None, list[int] | None]:
    gone = set(dropped)
    keep = [i for i in range(len(costs)) if i not in gone]
    new_sizes: list[int] | None = None
    if sizes is not None:
        new_sizes = []
        carry = 0
        for i, size in enumerate(sizes):  # fold a dropped cluster into the next kept one
            carry += size
            if i not in gone:
                new_sizes.append(carry)
                carry = 0
    return (
        [costs[i] for i in keep],
        [scores[i] for i in keep],
        new_sizes,
        [reps[i] for i in keep] if reps is not None else None,
    )


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one candidate on one task.

    ``passed`` is the correctness gate; ``status`` the runner's status (``ok``,
    ``failed``, ``timeout``, ``memory``, ``crashed``, ``output_too_large``,
    ``suspect`` (its CPU time does not fit its cost: scored 0, see
    :mod:`perfcount.dpe.consistency`), or ``error`` for problems outside the
    candidate). A candidate that did not
    pass has ``dps = dps_norm = 0`` and ``cluster = -1``. ``cost`` is the
    candidate's cost in ``metric`` (e.g. ``"instructions"``) measured with
    ``backend``; ``reference_costs`` are the reference costs (slow -> fast)
    it was scored against. ``extra`` carries fields of the input sample (e.g.
    a model name) into the results; in :meth:`to_dict` they sit at the top
    level, as in EvalPlus-style JSONL.
    """

    task_id: str
    passed: bool
    status: str = "ok"
    dps: float = 0.0
    dps_norm: float = 0.0
    cluster: int = -1
    cost: float | None = None
    metric: str = "instructions"
    backend: str = ""
    reference_costs: tuple[float, ...] = ()
    error: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``extra`` fields at the top level)."""
        d: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            d[f.name] = list(value) if f.name == "reference_costs" else value
        for key, value in self.extra.items():
            d.setdefault(key, value)
        return d

    def to_pandas(self) -> Any:
        """A one-row DataFrame indexed by task id (the fields of :meth:`to_dict`)."""
        return views.render(self, "frame")

    def _repr_html_(self) -> str:
        return views.render(self, "html")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreResult:
        """Inverse of :meth:`to_dict`; unknown keys go to ``extra``."""
        if "task_id" not in data or "passed" not in data:
            raise InvalidArgument(
                f"a score result needs 'task_id' and 'passed', got keys {sorted(data)!r}"
            )
        known = {f.name for f in fields(cls)} - {"extra"}
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        if kwargs.get("reference_costs") is not None:
            kwargs["reference_costs"] = tuple(kwargs["reference_costs"])
        else:
            kwargs.pop("reference_costs", None)
        extra = {k: v for k, v in data.items() if k not in known}
        if isinstance(data.get("extra"), Mapping):
            extra.pop("extra")
            extra.update(data["extra"])
        return cls(**kwargs, extra=extra)


def speedup_fields(
    cost: float | None, baseline_cost: float | None, expert_cost: float | None
) -> dict[str, float | None]:
    """Speedups of a candidate relative to a task's baseline and expert solutions.

    - ``speedup_vs_baseline`` = baseline cost / candidate cost (> 1: faster
      than the baseline);
    - ``expert_speedup`` = baseline cost / expert cost;
    - ``share_of_expert_speedup`` = log(baseline / candidate) / log(baseline /
      expert): the share of the expert's speedup the candidate achieved on a
      log scale, 0 at the baseline, 1 at the expert, negative when slower than
      the baseline, above 1 when faster than the expert. The log form treats
      a 2x-of-4x speedup as half way (the linear form ``(b/c - 1) / (b/e - 1)``
      would say one third) and is symmetric for slowdowns. ``None`` when a
      cost is missing or the expert is not faster than the baseline.
    """
    out: dict[str, float | None] = {
        "speedup_vs_baseline": None,
        "expert_speedup": None,
        "share_of_expert_speedup": None,
    }
    if baseline_cost is None or baseline_cost <= 0:
        return out
    if cost is not None and cost > 0:
        out["speedup_vs_baseline"] = baseline_cost / cost
    if expert_cost is not None and expert_cost > 0:
        out["expert_speedup"] = baseline_cost / expert_cost
        if cost is not None and cost > 0 and expert_cost < baseline_cost:
            out["share_of_expert_speedup"] = math.log(baseline_cost / cost) / math.log(
                baseline_cost / expert_cost
            )
    return out
