"""Aggregating per-sample scores: per task, per dataset, pairwise, with intervals.

Inputs are per-sample *records*: mappings (or objects such as
:class:`~perfcount.dpe.scoring.ScoreResult`) with ``task_id``, ``passed``, ``dps``
and ``dps_norm`` (0-100). Following the DPE paper (§4.1 and Table 3):

- a task's DPS is the mean (and min / max) over its **passed** samples,
  optionally only the first ``first_passed`` of them (the paper uses the first
  10 correct samples); pass@1 is the share of passed samples, in percent;
- the dataset score is the mean of the per-task values over the tasks with at
  least one passed sample;
- two result sets are compared over the tasks both passed, with per-task
  win / tie / loss counts (:func:`compare`; :func:`compare_scores` when only
  the per-task scores are known, as in EvalPlus brief files);
- :func:`bootstrap_ci` gives a seeded bootstrap confidence interval of the
  dataset score, resampling tasks.

No pandas here: everything is plain Python and numpy.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from perfcount.errors import InvalidArgument

__all__ = [
    "METRICS",
    "Comparison",
    "ConfidenceInterval",
    "DatasetSummary",
    "TaskSummary",
    "bootstrap_ci",
    "compare",
    "compare_scores",
    "per_task",
    "summarize",
]

METRICS = ("dps", "dps_norm")


@dataclass(frozen=True)
class TaskSummary:
    """One task over its samples; DPS fields are ``None`` when no sample passed."""

    task_id: str
    n_samples: int
    n_passed: int
    pass_at_1: float
    dps: float | None
    dps_min: float | None
    dps_max: float | None
    dps_norm: float | None
    dps_norm_min: float | None
    dps_norm_max: float | None

    @property
    def scored(self) -> bool:
        """At least one sample passed, so the task counts in the dataset score."""
        return self.n_passed > 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DatasetSummary:
    """Dataset-level means (Table 3 of the paper).

    ``pass_at_1`` averages the per-task pass@1 over all ``n_tasks``; the DPS
    fields average the per-task mean / min / max over the ``n_scored`` tasks
    with a passed sample (``None`` when there are none).
    """

    n_tasks: int
    n_scored: int
    n_samples: int
    pass_at_1: float
    dps: float | None
    dps_min: float | None
    dps_max: float | None
    dps_norm: float | None
    dps_norm_min: float | None
    dps_norm_max: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Comparison:
    """Result set ``a`` against ``b`` on ``metric`` over their commonly passed tasks.

    ``a`` / ``b`` are the means over ``tasks``; ``wins`` counts tasks where
    ``a`` scores higher than ``b`` by more than the tolerance, ``losses`` the
    reverse, ``ties`` the rest. Rates are shares of ``len(tasks)`` (0 when
    there is no common task). ``per_task`` lists ``(task_id, a, b)``.
    """

    metric: str
    tasks: tuple[str, ...]
    a: float | None
    b: float | None
    wins: int
    ties: int
    losses: int
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    per_task: tuple[tuple[str, float, float], ...]

    @property
    def n(self) -> int:
        return len(self.tasks)

    @property
    def win_rate(self) -> float:
        return self.wins / self.n if self.n else 0.0

    @property
    def tie_rate(self) -> float:
        return self.ties / self.n if self.n else 0.0

    @property
    def loss_rate(self) -> float:
        return self.losses / self.n if self.n else 0.0

    @property
    def difference(self) -> float | None:
        """``a - b`` over the common tasks."""
        return None if self.a is None or self.b is None else self.a - self.b

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tasks"] = list(self.tasks)
        d["only_a"] = list(self.only_a)
        d["only_b"] = list(self.only_b)
        d["per_task"] = [list(row) for row in self.per_task]
        d.update(
            n=self.n,
            win_rate=self.win_rate,
            tie_rate=self.tie_rate,
            loss_rate=self.loss_rate,
            difference=self.difference,
        )
        return d


@dataclass(frozen=True)
class ConfidenceInterval:
    """``estimate`` with a ``confidence`` interval ``[low, high]`` from ``n`` tasks.

    ``method`` is what was used: ``"BCa"``, ``"percentile"``, ``"basic"``, or
    ``"degenerate"`` when the interval is a point (one task, or all task
    scores equal; ``None`` estimate when no task was scored), or
    ``"unavailable"`` (``low``/``high`` ``None``) when the bootstrap
    distribution itself is degenerate (e.g. far too few resamples).
    """

    estimate: float | None
    low: float | None
    high: float | None
    confidence: float
    method: str
    n: int
    n_resamples: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------ records


def _fields(record: Any, index: int) -> tuple[str, bool, float | None, float | None]:
    if isinstance(record, Mapping):
        get = record.get
    elif hasattr(record, "task_id") and hasattr(record, "passed"):

        def get(key: str, default: Any = None) -> Any:
            return getattr(record, key, default)
    else:
        raise InvalidArgument(
            f"record {index} is a {type(record).__name__}; expected a mapping with "
            "task_id, passed, dps, dps_norm (or a ScoreResult)"
        )
    task_id = get("task_id")
    passed = get("passed")
    if not isinstance(task_id, str):
        raise InvalidArgument(f"record {index}: task_id must be a string, got {task_id!r}")
    if not isinstance(passed, (bool, np.bool_)):
        raise InvalidArgument(
            f"record {index} ({task_id}): passed must be true/false, got {passed!r}"
        )
    values: list[float | None] = []
    for name in METRICS:
        v = get(name)
        if not passed:
            values.append(None)
            continue
        if v is None or isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
            raise InvalidArgument(
                f"record {index} ({task_id}): a passed sample needs a numeric {name}, got {v!r}"
            )
        f = float(v)
        if not (0.0 <= f <= 100.0):
            raise InvalidArgument(f"record {index} ({task_id}): {name} = {f!r} is outside 0-100")
        values.append(f)
    return task_id, bool(passed), values[0], values[1]


def _stats(values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    return math.fsum(values) / len(values), min(values), max(values)


def per_task(records: Iterable[Any], *, first_passed: int | None = None) -> dict[str, TaskSummary]:
    """Per-task summaries in first-seen order.

    ``first_passed`` keeps only the first N passed samples of each task for
    the DPS statistics (pass@1 still counts every sample).
    """
    if first_passed is not None and (
        isinstance(first_passed, bool) or not isinstance(first_passed, int) or first_passed < 1
    ):
        raise InvalidArgument(f"first_passed must be a positive integer, got {first_passed!r}")
    counts: dict[str, list[int]] = {}
    scores: dict[str, tuple[list[float], list[float]]] = {}
    for i, record in enumerate(records):
        task_id, passed, dps, dps_norm = _fields(record, i)
        n = counts.setdefault(task_id, [0, 0])
        dps_list, norm_list = scores.setdefault(task_id, ([], []))
        n[0] += 1
        if passed:
            n[1] += 1
            if first_passed is None or len(dps_list) < first_passed:
                dps_list.append(dps)  # type: ignore[arg-type]
                norm_list.append(dps_norm)  # type: ignore[arg-type]
    out: dict[str, TaskSummary] = {}
    for task_id, (n_samples, n_passed) in counts.items():
        dps_list, norm_list = scores[task_id]
        d, dmin, dmax = _stats(dps_list)
        nm, nmin, nmax = _stats(norm_list)
        out[task_id] = TaskSummary(
            task_id=task_id,
            n_samples=n_samples,
            n_passed=n_passed,
            pass_at_1=100.0 * n_passed / n_samples,
            dps=d,
            dps_min=dmin,
            dps_max=dmax,
            dps_norm=nm,
            dps_norm_min=nmin,
            dps_norm_max=nmax,
        )
    return out


def _summaries(data: Any, first_passed: int | None) -> dict[str, TaskSummary]:
    if isinstance(data, Mapping) and all(isinstance(v, TaskSummary) for v in data.values()):
        return dict(data)
    return per_task(data, first_passed=first_passed)


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def summarize(records: Iterable[Any], *, first_passed: int | None = None) -> DatasetSummary:
    """Dataset score: per-task means averaged over tasks with a passed sample.

    Accepts records or the output of :func:`per_task`.
    """
    tasks = _summaries(records, first_passed)
    scored = [t for t in tasks.values() if t.scored]

    def avg(name: str) -> float | None:
        return _mean([getattr(t, name) for t in scored])

    return DatasetSummary(
        n_tasks=len(tasks),
        n_scored=len(scored),
        n_samples=sum(t.n_samples for t in tasks.values()),
        pass_at_1=_mean([t.pass_at_1 for t in tasks.values()]) or 0.0,
        dps=avg("dps"),
        dps_min=avg("dps_min"),
        dps_max=avg("dps_max"),
        dps_norm=avg("dps_norm"),
        dps_norm_min=avg("dps_norm_min"),
        dps_norm_max=avg("dps_norm_max"),
    )


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise InvalidArgument(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")


def compare(
    a: Iterable[Any],
    b: Iterable[Any],
    *,
    metric: str = "dps",
    tolerance: float = 0.0,
    first_passed: int | None = None,
) -> Comparison:
    """Compare two result sets over the tasks both passed (paper, Figure 4).

    A task counts as a tie when the per-task means differ by at most
    ``tolerance`` (in score points).
    """
    _check_metric(metric)
    ta = _summaries(a, first_passed)
    tb = _summaries(b, first_passed)
    return compare_scores(
        {k: getattr(t, metric) if t.scored else None for k, t in ta.items()},
        {k: getattr(t, metric) if t.scored else None for k, t in tb.items()},
        metric=metric,
        tolerance=tolerance,
    )


def compare_scores(
    a: Mapping[str, float | None],
    b: Mapping[str, float | None],
    *,
    metric: str = "dps",
    tolerance: float = 0.0,
) -> Comparison:
    """:func:`compare` on per-task scores already computed: ``task_id -> score`` (``None``: not passed).

    This is what runs known only by their per-task scores (EvalPlus brief
    files) are compared with. Common tasks are in ``a``'s order.
    """
    _check_metric(metric)
    if not (
        isinstance(tolerance, (int, float))
        and not isinstance(tolerance, bool)
        and math.isfinite(tolerance)
        and tolerance >= 0
    ):
        raise InvalidArgument(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    passed_a = [k for k, v in a.items() if v is not None]
    passed_b = {k for k, v in b.items() if v is not None}
    common = [k for k in passed_a if k in passed_b]
    rows = []
    wins = ties = losses = 0
    for k in common:
        va, vb = float(a[k]), float(b[k])  # type: ignore[arg-type]
        rows.append((k, va, vb))
        if abs(va - vb) <= tolerance:
            ties += 1
        elif va > vb:
            wins += 1
        else:
            losses += 1
    in_a = set(passed_a)
    return Comparison(
        metric=metric,
        tasks=tuple(common),
        a=_mean([r[1] for r in rows]),
        b=_mean([r[2] for r in rows]),
        wins=wins,
        ties=ties,
        losses=losses,
        only_a=tuple(k for k in passed_a if k not in passed_b),
        only_b=tuple(k for k, v in b.items() if v is not None and k not in in_a),
        per_task=tuple(rows),
    )


def bootstrap_ci(
    records: Iterable[Any],
    *,
    metric: str = "dps",
    confidence: float = 0.95,
    n_resamples: int = 9999,
    method: str = "BCa",
    seed: int = 0,
    first_passed: int | None = None,
) -> ConfidenceInterval:
    """Bootstrap confidence interval of the dataset score, resampling tasks.

    ``scipy.stats.bootstrap`` of the mean of the per-task scores (tasks with a
    passed sample), with a seeded generator so the interval is reproducible.
    ``method`` is ``"BCa"`` (default), ``"percentile"`` or ``"basic"``; when
    BCa cannot be computed (few distinct values) it falls back to percentile
    and says so in ``method``. One task or identical task scores give a
    point interval (``method="degenerate"``); see :class:`ConfidenceInterval`.
    """
    _check_metric(metric)
    if method not in ("BCa", "percentile", "basic"):
        raise InvalidArgument(f"method must be 'BCa', 'percentile' or 'basic'; got {method!r}")
    if not (isinstance(confidence, float) and 0.0 < confidence < 1.0):
        raise InvalidArgument(f"confidence must be a float in (0, 1), got {confidence!r}")
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 1:
        raise InvalidArgument(f"n_resamples must be a positive integer, got {n_resamples!r}")
    tasks = _summaries(records, first_passed)
    values = np.array([getattr(t, metric) for t in tasks.values() if t.scored], dtype=float)
    n = int(values.size)
    if n == 0:
        return ConfidenceInterval(None, None, None, confidence, "degenerate", 0, 0)
    estimate = float(math.fsum(values.tolist()) / n)
    if n == 1 or np.all(values == values[0]):
        return ConfidenceInterval(estimate, estimate, estimate, confidence, "degenerate", n, 0)

    from scipy import stats

    # scipy >= 1.15 calls the generator `rng`; older releases `random_state`
    rng_keyword = (
        "rng" if "rng" in inspect.signature(stats.bootstrap).parameters else "random_state"
    )
    degenerate = (RuntimeWarning, getattr(stats, "DegenerateDataWarning", RuntimeWarning))

    def run(how: str) -> tuple[float, float] | None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = stats.bootstrap(
                (values,),
                np.mean,
                n_resamples=n_resamples,
                confidence_level=confidence,
                method=how,
                **{rng_keyword: np.random.default_rng(seed)},
            )
        failed = False
        for w in caught:
            if issubclass(w.category, degenerate):
                failed = True
            else:  # not ours to swallow
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
        if failed or not (math.isfinite(low) and math.isfinite(high)):
            return None
        return low, high

    used = method
    interval = run(method)
    if interval is None and method == "BCa":
        used = "percentile"
        interval = run("percentile")
    if interval is None:  # e.g. too few resamples to spread
        return ConfidenceInterval(estimate, None, None, confidence, "unavailable", n, n_resamples)
    low, high = interval
    return ConfidenceInterval(estimate, low, high, confidence, used, n, n_resamples)
