"""Comparing any number of runs: pairwise tables, win rates, the DPS heatmap.

A *run* is one model's (one sample set's) results, read from any of

- a perfcount results file (``perfcount evaluate -o``; JSONL with a header),
- an EvalPlus ``*_evalperf_results.json`` (every sample),
- an EvalPlus ``*_evalperf_results.brief.json`` (per task, no costs),

detected by content (:func:`load_run`), into one form: :class:`Run` with a
:class:`TaskRun` per task. A task is *passed* by a run when the run has a DPS
for it (EvalPlus: at least ``min_correct`` correct samples; perfcount: a
scored sample). Everything below is over commonly passed tasks; ``metric``
(``"dps"`` or ``"dps_norm"``) decides who wins a task, and a task is a tie
when the two scores differ by at most ``tolerance``.

- **pairwise** (the paper's table): for each pair ``A, B`` the tasks both
  passed, the mean DPS / DPS_norm of each over them, and wins / ties /
  losses of ``A``; ``win_rate = wins / n``, ``tie_rate``, ``loss_rate``.
- **model-wise win rate** of ``M`` (the EvalPerf leaderboard's): every other
  model ``O`` and every task both passed is a round;
  ``(wins + ties / 2) / rounds`` pooled over all rounds.
- **task-wise win rate** of ``M``: on each task ``t`` ``M`` passed with at
  least one other model, the share of those models ``M`` beats on ``t``
  (ties count ½); then the mean of that share over those tasks. Each task
  weighs the same, however many models passed it.
- **heatmap**: cell ``(i, j)`` is run ``i``'s mean metric over the tasks it
  and run ``j`` both passed; the diagonal is its mean over all it passed.

``common="all"`` first restricts every run to the tasks *every* run passed.
docs/evalplus.md has the definitions with a worked example. Pure Python: no
rendering here (see :mod:`perfcount.report.compare`).
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from perfcount.dpe.aggregate import METRICS, compare_scores
from perfcount.errors import DatasetError, InvalidArgument

__all__ = [
    "COMMON",
    "PERFCOUNT_RESULTS",
    "Run",
    "SampleRun",
    "TaskRun",
    "compare_runs",
    "load_run",
    "pairwise",
    "run_name",
    "runs_from",
    "two_run_comparison",
]

PERFCOUNT_RESULTS = "perfcount-results"
EVALPLUS_RESULTS = "evalplus-results"
EVALPLUS_BRIEF = "evalplus-brief"
COMMON = ("pair", "all")
# header fields two runs must agree on when both know them
_MUST_MATCH = ("backend", "metric", "dataset")


@dataclass(frozen=True)
class SampleRun:
    """One sample of a task; fields a source does not record are ``None``.

    ``cluster`` is EvalPerf's ``matching_cluster_idx`` (-1: slower than every
    reference); ``cost`` is in the run's metric.
    """

    solution: str | None = None
    passed: bool | None = None
    profiled: bool = False
    cluster: int | None = None
    dps: float | None = None
    dps_norm: float | None = None
    cost: float | None = None
    sample: int | None = None


@dataclass(frozen=True)
class TaskRun:
    """One task of a run: its DPS / DPS_norm (``None`` when not passed) and pass@1 (percent)."""

    task_id: str
    dps: float | None
    dps_norm: float | None
    pass_at_1: float | None = None
    n_samples: int | None = None
    n_passed: int | None = None
    n_profiled: int | None = None
    samples: tuple[SampleRun, ...] = ()

    @property
    def passed(self) -> bool:
        """The run has a score for this task (it counts in comparisons)."""
        return self.dps is not None

    def score(self, metric: str) -> float | None:
        return self.dps if metric == "dps" else self.dps_norm


@dataclass
class Run:
    """One run's per-task results, whatever file they came from.

    ``kind`` is ``"perfcount-results"``, ``"evalplus-results"`` or
    ``"evalplus-brief"``; ``backend``, ``metric`` and ``dataset`` are ``None``
    when the file does not say (EvalPlus's own files). ``config`` holds
    ``n_samples``, ``temperature``, ``min_correct``, ``max_profile`` where known.
    """

    name: str
    tasks: dict[str, TaskRun]
    kind: str = PERFCOUNT_RESULTS
    path: str | None = None
    backend: str | None = None
    metric: str | None = None
    dataset: Any = None
    config: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> dict[str, TaskRun]:
        """The tasks this run has a score for."""
        return {k: t for k, t in self.tasks.items() if t.passed}

    def scores(self, metric: str = "dps") -> dict[str, float | None]:
        """``task_id -> score`` (``None``: not passed), in task order."""
        return {k: t.score(metric) for k, t in self.tasks.items()}

    def summary(self) -> dict[str, Any]:
        """EvalPerf's summary: mean DPS / DPS_norm over passed tasks, mean pass@1 over all."""
        passed = list(self.passed.values())
        p1 = [t.pass_at_1 for t in self.tasks.values() if t.pass_at_1 is not None]
        return {
            "n_tasks": len(self.tasks),
            "n_passed": len(passed),
            "dps": _mean([t.dps for t in passed]),  # type: ignore[misc]
            "dps_norm": _mean([t.dps_norm for t in passed if t.dps_norm is not None]),
            "pass@1": _mean(p1),  # type: ignore[arg-type]
        }

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "kind": self.kind,
            "backend": self.backend,
            "metric": self.metric,
            "dataset": self.dataset,
            **self.summary(),
        }

    def restricted(self, task_ids: set[str]) -> Run:
        """The same run with only ``task_ids`` (order kept)."""
        return replace(self, tasks={k: t for k, t in self.tasks.items() if k in task_ids})


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


# ------------------------------------------------------------------ reading


def run_name(path: str | os.PathLike[str]) -> str:
    """A run's default name, from its file name.

    EvalPlus files (``<model>_<backend>_temp_<t>_evalperf_results[.brief].json``)
    are named by their model, the part before the first ``_``, as on the
    EvalPerf leaderboard; other files by their name without the results suffix.
    """
    name = Path(path).name
    for suffix in ("evalperf_results.brief.json", "evalperf_results.json"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)].rstrip("_")
            return stem.split("_")[0] or Path(path).parent.name or name
    for suffix in (".results.jsonl", ".jsonl", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def load_run(path: str | os.PathLike[str], *, name: str | None = None) -> Run:
    """Read a perfcount results file or an EvalPlus results / brief file (detected by content)."""
    p = str(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(256).lstrip()
    except FileNotFoundError:
        raise DatasetError("results file not found", path=p) from None
    except IsADirectoryError:
        raise DatasetError("is a directory, not a results file", path=p) from None
    if head.startswith(b'{"kind"') or b'"kind": "header"' in head or b'"kind":"header"' in head:
        return _perfcount_run(p, name)
    from perfcount.dpe.evalplus import read_evalplus

    return read_evalplus(p, name=name)


def _order(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def _perfcount_run(path: str, name: str | None) -> Run:
    from perfcount.dpe.results import read_results

    data = read_results(path)
    return run_from_results(
        data.header, data.samples, data.tasks, path=path, name=name, notes=data.notes
    )


def run_from_results(
    header: Mapping[str, Any],
    samples: Sequence[Mapping[str, Any]],
    task_lines: Sequence[Mapping[str, Any]],
    *,
    path: str | None = None,
    name: str | None = None,
    notes: Sequence[str] = (),
) -> Run:
    """A :class:`Run` from the lines of a perfcount results file (or an ``Evaluation``)."""

    data = SimpleNamespace(header=header, samples=samples, tasks=task_lines, notes=notes)
    by_task: dict[str, list[dict[str, Any]]] = {}
    for s in sorted(data.samples, key=lambda s: (_order(s.get("sample")), s["task_id"])):
        by_task.setdefault(s["task_id"], []).append(s)
    # task order: as the samples came (what Evaluation and `compare` have always shown)
    rank = {tid: i for i, tid in enumerate(by_task)}
    tasks: dict[str, TaskRun] = {}
    for t in sorted(data.tasks, key=lambda t: rank.get(t["task_id"], len(rank))):
        samples = tuple(
            SampleRun(
                passed=bool(s.get("passed")),
                profiled=bool(s.get("passed")) and s.get("dps") is not None,
                cluster=s.get("cluster") if s.get("passed") else None,
                dps=s.get("dps") if s.get("passed") else None,
                dps_norm=s.get("dps_norm") if s.get("passed") else None,
                cost=s.get("cost"),
                sample=s.get("sample"),
            )
            for s in by_task.get(t["task_id"], [])
        )
        tasks[t["task_id"]] = TaskRun(
            task_id=t["task_id"],
            dps=_float(t.get("dps")),
            dps_norm=_float(t.get("dps_norm")),
            pass_at_1=_float(t.get("pass@1")),
            n_samples=t.get("n_samples"),
            n_passed=t.get("n_passed"),
            n_profiled=t.get("n_profiled"),
            samples=samples,
        )
    header = data.header
    return Run(
        name=name or (run_name(path) if path else "run"),
        tasks=tasks,
        kind=PERFCOUNT_RESULTS,
        path=path,
        backend=header.get("backend"),
        metric=header.get("metric"),
        dataset=header.get("dataset"),
        config=dict(header.get("config") or {}),
        header=dict(header),
        notes=list(data.notes),
    )


def _float(v: Any) -> float | None:
    return None if v is None else float(v)


def _as_run(item: Run | str | os.PathLike[str]) -> Run:
    return item if isinstance(item, Run) else load_run(item)


# ------------------------------------------------------------------ comparing


def _rule(run: Run) -> str:
    """The tie rule of a perfcount run (files from before the rule was recorded: strict)."""
    return str((run.config or {}).get("match") or "strict")


def _check_compatible(runs: Sequence[Run], allow_mixed: bool) -> list[str]:
    """Refuse runs whose known backend / metric / dataset differ; notes for the unknown ones."""
    notes: list[str] = []
    for key in _MUST_MATCH:
        known = [(r, getattr(r, key)) for r in runs if getattr(r, key) is not None]
        for (ra, va), (rb, vb) in itertools.pairwise(known):
            if va != vb:
                if allow_mixed:
                    notes.append(f"{key} differs: {va!r} ({ra.name}) vs {vb!r} ({rb.name})")
                    break
                raise InvalidArgument(
                    f"cannot compare runs with different {key}: {va!r} vs {vb!r}",
                    hint=f"{ra.name} has {va!r}, {rb.name} has {vb!r}; evaluate both sample "
                    "sets with the same dataset and --backend (or pass --allow-mixed)",
                )
    rules = {r.name: _rule(r) for r in runs if r.kind == PERFCOUNT_RESULTS}
    if len(set(rules.values())) > 1:
        text = ", ".join(f"{name}: {rule}" for name, rule in rules.items())
        if not allow_mixed:
            raise InvalidArgument(
                f"cannot compare runs scored under different tie rules ({text})",
                hint="evaluate all with the same --match (or pass --allow-mixed)",
            )
        notes.append(f"tie rules differ ({text})")
    unknown = [r.name for r in runs if r.backend is None]
    if unknown and len(unknown) < len(runs):
        notes.append(
            f"backend not recorded for {', '.join(unknown)} (EvalPlus files); "
            "their DPS are compared as they are"
        )
    return notes


def pairwise(a: Run, b: Run, *, metric: str = "dps", tolerance: float = 0.0) -> dict[str, Any]:
    """``a`` against ``b`` over the tasks both passed: the paper's pairwise row."""
    by_metric = compare_scores(
        a.scores(metric), b.scores(metric), metric=metric, tolerance=tolerance
    )
    common = by_metric.tasks
    n = len(common)

    def mean_of(run: Run, m: str) -> float | None:
        values = [run.tasks[k].score(m) for k in common]
        return None if any(v is None for v in values) else _mean(values)  # type: ignore[arg-type]

    return {
        "a": a.name,
        "b": b.name,
        "n_common": n,
        "dps_a": mean_of(a, "dps"),
        "dps_b": mean_of(b, "dps"),
        "dps_norm_a": mean_of(a, "dps_norm"),
        "dps_norm_b": mean_of(b, "dps_norm"),
        "wins": by_metric.wins,
        "ties": by_metric.ties,
        "losses": by_metric.losses,
        "win_rate": by_metric.win_rate if n else None,
        "tie_rate": by_metric.tie_rate if n else None,
        "loss_rate": by_metric.loss_rate if n else None,
        "only_a": list(by_metric.only_a),
        "only_b": list(by_metric.only_b),
        "per_task": [list(r) for r in by_metric.per_task],
    }


def two_run_comparison(
    a: Run | str | os.PathLike[str],
    b: Run | str | os.PathLike[str],
    *,
    allow_mixed: bool = False,
) -> dict[str, Any]:
    """Two runs the way ``perfcount compare A B`` has always shown them.

    The same dict as :func:`perfcount.pipeline.evaluation.compare` (``a``/``b``
    are the paths, wins counted on DPS), for any run kind.
    """
    ra, rb = _as_run(a), _as_run(b)
    notes = _check_compatible([ra, rb], allow_mixed)
    by_dps = compare_scores(ra.scores("dps"), rb.scores("dps"), metric="dps")
    by_norm = compare_scores(ra.scores("dps_norm"), rb.scores("dps_norm"), metric="dps_norm")
    n = by_dps.n
    out = {
        "a": ra.path if ra.path is not None else ra.name,
        "b": rb.path if rb.path is not None else rb.name,
        "backend": ra.backend,
        "metric": ra.metric,
        "n_common": n,
        "only_a": list(by_dps.only_a),
        "only_b": list(by_dps.only_b),
        "dps_a": by_dps.a,
        "dps_b": by_dps.b,
        "dps_norm_a": by_norm.a,
        "dps_norm_b": by_norm.b,
        "wins": by_dps.wins,
        "ties": by_dps.ties,
        "losses": by_dps.losses,
        "win_rate": by_dps.win_rate if n else None,
        "tie_rate": by_dps.tie_rate if n else None,
        "loss_rate": by_dps.loss_rate if n else None,
        "tasks": [
            {
                "task_id": tid,
                "dps_a": da,
                "dps_b": db,
                "dps_norm_a": ra.tasks[tid].dps_norm,
                "dps_norm_b": rb.tasks[tid].dps_norm,
            }
            for tid, da, db in by_dps.per_task
        ],
    }
    if notes:
        out["notes"] = notes
    return out


def _unique_names(runs: list[Run]) -> list[Run]:
    seen: dict[str, int] = {}
    out = []
    for r in runs:
        n = seen.get(r.name, 0) + 1
        seen[r.name] = n
        out.append(r if n == 1 else replace(r, name=f"{r.name} ({n})"))
    return out


def compare_runs(
    runs: Sequence[Run | str | os.PathLike[str]],
    *,
    metric: str = "dps",
    tolerance: float = 0.0,
    common: str = "pair",
    allow_mixed: bool = False,
) -> dict[str, Any]:
    """N-way comparison (N >= 2) over commonly passed tasks; see the module docstring.

    Returns a JSON-ready dict: ``runs`` (name, kind, backend, summary, and
    ``model_win_rate`` / ``task_win_rate``, ordered by model-wise win rate),
    ``pairs`` (every unordered pair in input order), ``model_wise`` and
    ``task_wise`` details, ``heatmap`` (``names``, ``values``, ``n``) and
    ``notes``. Runs with the same name get `` (2)``, `` (3)``... appended.
    """
    if metric not in METRICS:
        raise InvalidArgument(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    if common not in COMMON:
        raise InvalidArgument(f"common must be one of {', '.join(COMMON)}; got {common!r}")
    loaded = _unique_names([_as_run(r) for r in runs])
    if len(loaded) < 2:
        raise InvalidArgument("compare needs at least two runs", hint="pass two or more files")
    notes = _check_compatible(loaded, allow_mixed)
    for r in loaded:
        notes.extend(r.notes)
    everyone = set.intersection(*(set(r.passed) for r in loaded))
    if common == "all":
        loaded = [r.restricted(everyone) for r in loaded]
    names = [r.name for r in loaded]

    pairs = [
        pairwise(a, b, metric=metric, tolerance=tolerance)
        for a, b in itertools.combinations(loaded, 2)
    ]
    # model-wise: pooled rounds against every other model
    tally = {n: {"wins": 0, "ties": 0, "losses": 0} for n in names}
    for p in pairs:
        tally[p["a"]]["wins"] += p["wins"]
        tally[p["a"]]["ties"] += p["ties"]
        tally[p["a"]]["losses"] += p["losses"]
        tally[p["b"]]["wins"] += p["losses"]
        tally[p["b"]]["ties"] += p["ties"]
        tally[p["b"]]["losses"] += p["wins"]
    model_wise = {}
    for n, t in tally.items():
        rounds = t["wins"] + t["ties"] + t["losses"]
        model_wise[n] = {
            **t,
            "rounds": rounds,
            "win_rate": (t["wins"] + 0.5 * t["ties"]) / rounds if rounds else None,
        }
    # task-wise: per task, the share of the other passing models each model beats
    task_ids: list[str] = []
    for r in loaded:
        task_ids.extend(k for k in r.passed if k not in task_ids)
    per_task: dict[str, dict[str, Any]] = {}
    shares: dict[str, list[float]] = {n: [] for n in names}
    for tid in task_ids:
        here = [(r.name, r.tasks[tid].score(metric)) for r in loaded if tid in r.passed]
        if len(here) < 2:
            continue
        row: dict[str, float] = {}
        for name, v in here:
            points = 0.0
            for other, w in here:
                if other == name:
                    continue
                if abs(v - w) <= tolerance:  # type: ignore[operator]
                    points += 0.5
                elif v > w:  # type: ignore[operator]
                    points += 1.0
            row[name] = points / (len(here) - 1)
            shares[name].append(row[name])
        per_task[tid] = {"n_runs": len(here), "win_share": row}
    task_wise = {n: {"n_tasks": len(v), "win_rate": _mean(v)} for n, v in shares.items()}
    # heatmap: row i's mean over the tasks it shares with column j
    index = {n: i for i, n in enumerate(names)}
    values: list[list[float | None]] = [[None] * len(names) for _ in names]
    counts: list[list[int]] = [[0] * len(names) for _ in names]
    for i, r in enumerate(loaded):
        own = [t.score(metric) for t in r.passed.values()]
        values[i][i] = _mean([v for v in own if v is not None])
        counts[i][i] = len(r.passed)
    for p in pairs:
        i, j = index[p["a"]], index[p["b"]]
        counts[i][j] = counts[j][i] = p["n_common"]
        values[i][j] = p[f"{metric}_a"]
        values[j][i] = p[f"{metric}_b"]

    described = []
    for r in loaded:
        d = r.describe()
        d["model_win_rate"] = model_wise[r.name]["win_rate"]
        d["task_win_rate"] = task_wise[r.name]["win_rate"]
        described.append(d)
    described.sort(
        key=lambda d: (
            -(d["model_win_rate"] if d["model_win_rate"] is not None else -1.0),
            names.index(d["name"]),
        )
    )
    return {
        "metric": metric,
        "tolerance": tolerance,
        "common": common,
        "n_runs": len(loaded),
        "n_common_all": len(everyone),
        "runs": described,
        "pairs": pairs,
        "model_wise": model_wise,
        "task_wise": {"runs": task_wise, "tasks": per_task},
        "heatmap": {"names": names, "metric": metric, "values": values, "n": counts},
        "notes": notes,
    }


def runs_from(items: Sequence[Run | str | os.PathLike[str] | tuple[str, str]]) -> list[Run]:
    """Runs from paths, ``(name, path)`` pairs or Runs."""
    out = []
    for item in items:
        if isinstance(item, tuple):
            name, path = item
            out.append(load_run(path, name=name))
        else:
            out.append(_as_run(item))
    return out
