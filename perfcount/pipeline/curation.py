"""Curation: a pool of correct solutions -> a dataset of reference clusters.

This is the curation phase of Differential Performance Evaluation (Liu et al.,
COLM 2024), task by task, the same steps for both kinds of candidate
(:mod:`perfcount.pipeline.kinds`: Python functions and commands built from
source):

1. **Correctness.** Every solution runs the task's ``tests``; expected outputs
   come from ``expected`` or else from the first solution (the ``trusted``
   one first) that runs them all without error. Solutions that fail are
   dropped (and reported).
2. **Performance-exercising input.** ``pe_input`` as given; otherwise the
   task's ``input_generator`` (``perf_input_gen(scale)``) at the row's fixed
   ``scale`` (reproducible rebuilds) or, without one, at a scale found by
   doubling from 2**1 until some solution hits the time wall, the memory wall
   or the cost cap; the largest scale that every solution finishes is kept.
   The search uses fast native runs (the ``software`` backend); only the final
   scale is profiled with the chosen backend.
3. **Profile** every remaining solution on that input with the chosen backend
   and check its outputs against the trusted solution's (a solution that is
   only right on the small tests is dropped here).
4. **Filters.** Every solution costs at least ``min_cost`` (the paper's
   "enough computation", 10k instructions); the slowest costs at most
   ``max_cost``; for the noisy ``software`` backend the 99th percentile of the
   solutions' coefficients of variation is below ``max_cv``; at least
   ``min_clusters`` clusters (the paper's K = 4).
5. **Cluster** the costs (``perfcount.dpe.clustering.cluster``) and keep the slowest
   solution of each cluster with its cumulative share of the pool
   (``perfcount.dpe.scoring.ReferenceSet.from_costs``).

A task with a ``baseline`` (and an ``expert``) solution carries their sources
and costs into its line (PerfCodeBench-style speedups at evaluation). Runners
come from one :class:`perfcount.execute.pool.RunnerPool` per curation: each
worker thread keeps its own warm runners, and a command solution is built once.

The result is a :class:`CurationReport`: a mapping of the kept tasks (like a
``Dataset``), the ``Dataset`` itself, and one :class:`TaskOutcome` per pool
task saying what was kept or dropped and why. Task lines are deterministic for
a deterministic backend (``qemu``, ``valgrind``): sorted keys and no timestamps (the
date goes in the dataset header only, with the perfcount version).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfcount._util import plain
from perfcount._util.atomic import write_atomic
from perfcount._util.jsonl import iter_jsonl
from perfcount._version import __version__
from perfcount.dpe.pools import anchor_source, load_pool_dir
from perfcount.errors import DatasetError, InvalidArgument
from perfcount.execute.candidate import CandidateRunner
from perfcount.execute.pool import RunnerPool
from perfcount.pipeline.kinds import Kind, kind_of, resolve_backend
from perfcount.pipeline.progress import ProgressPlan, Reporter, reporter

__all__ = [
    "DEFAULT_MAX_CV",
    "DEFAULT_MAX_SCALE",
    "DEFAULT_MEMORY_WALL_MB",
    "DEFAULT_TIME_WALL",
    "CurationReport",
    "TaskOutcome",
    "curate",
    "load_pool",
    "validate_pool_row",
]

#: Seconds a single native (software backend) run may take during the scale
#: search before the scale counts as too large: the paper's 20 s time wall.
DEFAULT_TIME_WALL = 20.0
#: Address-space limit of a solution during the scale search. The paper uses a
#: 16 GB wall; 4 GiB keeps several curations on one shared machine possible.
DEFAULT_MEMORY_WALL_MB = 4096
#: Highest scale the search tries (a generator that ignores its scale would
#: otherwise never hit a wall).
DEFAULT_MAX_SCALE = 2**20
#: P99 coefficient-of-variation threshold for the noisy ``software`` backend.
DEFAULT_MAX_CV = 0.05
#: Backends whose costs do not need the CV filter (counted, not timed).
_COUNTED_BACKENDS = frozenset({"valgrind", "qemu", "cachegrind", "perf"})


# --------------------------------------------------------------------------
# pool input


def validate_pool_row(row: Any, *, path: str = "<pool>", line: int | None = None) -> dict[str, Any]:
    """Check one pool row (docs/formats.md, "Pools") and return a normalised copy.

    Python rows and command rows (``run`` given or a non-Python ``language``)
    are validated by their kind. Raises ``DatasetError`` naming
    ``path:line: field`` and the problem. Fills ``solution_names``
    (``solution_01`` ...) when absent.
    """
    if not isinstance(row, Mapping):
        raise DatasetError(
            f"a pool row must be a JSON object, not {type(row).__name__}", path=path, line=line
        )
    return kind_of(row).validate(dict(row), path=path, line=line)


def load_pool(source: str | Path | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Pool rows from a JSONL file, a directory of task folders, or Python dicts.

    Every row is validated (:func:`validate_pool_row`); errors name
    ``file:line: field``. Task ids must be unique.
    """
    where = str(source) if isinstance(source, (str, Path)) else "<pool>"
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            rows = [
                validate_pool_row(r, path=str(path / str(r.get("task_id", "?"))))
                for r in load_pool_dir(path)
            ]
        elif path.is_file():
            rows = [
                validate_pool_row(row, path=str(path), line=lineno)
                for lineno, row in iter_jsonl(path, "pool file")
            ]
        else:
            raise DatasetError(
                "no such file or directory",
                path=str(path),
                hint="give a pool JSONL file or a directory of task folders",
            )
    else:
        rows = [validate_pool_row(row, line=i + 1) for i, row in enumerate(source)]
    if not rows:
        raise DatasetError("the pool has no tasks", path=where)
    seen: set[str] = set()
    for row in rows:
        if row["task_id"] in seen:
            raise DatasetError(f"duplicate task_id {row['task_id']!r}", path=where, field="task_id")
        seen.add(row["task_id"])
    return rows


# --------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class TaskOutcome:
    """What curation did with one pool task.

    ``kept`` tells whether the task is in the dataset; ``reason`` says why not
    (empty when kept). ``dropped_solutions`` maps a solution name to why it was
    left out (failed a test, timed out, wrong on the performance input, ...).
    ``costs`` are the chosen backend's costs of the profiled solutions.
    """

    task_id: str
    kept: bool
    reason: str
    n_solutions: int
    dropped_solutions: Mapping[str, str] = field(default_factory=dict)
    costs: Mapping[str, float] = field(default_factory=dict)
    scale: int | None = None
    n_clusters: int = 0
    cluster_sizes: tuple[int, ...] = ()
    references: tuple[str, ...] = ()
    line: Mapping[str, Any] | None = None

    @property
    def reference_costs(self) -> tuple[float, ...]:
        """Costs of the kept references, slow -> fast."""
        return tuple(self.costs[n] for n in self.references)


@dataclass(frozen=True)
class CurationReport(Mapping[str, Any]):
    """The outcome of :func:`curate`: a mapping of kept task id -> ``Task``.

    ``dataset`` is the ``perfcount.dpe.datasets.Dataset`` (``None`` when no task was
    kept), ``path`` the file it was written to (``output``); ``outcomes`` has one :class:`TaskOutcome` per pool task in pool
    order; ``backend``/``metric`` say what the costs are.
    """

    dataset: Any
    outcomes: tuple[TaskOutcome, ...]
    backend: str
    metric: str
    header: Mapping[str, Any]
    path: str | None = None

    def __getitem__(self, task_id: str) -> Any:
        if self.dataset is None:
            raise KeyError(task_id)
        return self.dataset[task_id]

    def __iter__(self) -> Iterator[str]:
        return iter(o.task_id for o in self.outcomes if o.kept)

    def __len__(self) -> int:
        return sum(o.kept for o in self.outcomes)

    @property
    def kept(self) -> list[TaskOutcome]:
        return [o for o in self.outcomes if o.kept]

    @property
    def dropped(self) -> list[TaskOutcome]:
        return [o for o in self.outcomes if not o.kept]

    def outcome(self, task_id: str) -> TaskOutcome:
        for o in self.outcomes:
            if o.task_id == task_id:
                return o
        raise KeyError(task_id)

    def lines(self) -> list[dict[str, Any]]:
        """The dataset's task lines (plain dicts), kept tasks in pool order."""
        return [dict(o.line) for o in self.outcomes if o.kept and o.line is not None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: the header and, per pool task, what was kept or dropped and why."""
        return {
            "header": dict(self.header),
            "path": self.path,
            "tasks": [
                {
                    "task_id": o.task_id,
                    "kept": o.kept,
                    "reason": o.reason,
                    "n_solutions": o.n_solutions,
                    "dropped_solutions": dict(o.dropped_solutions),
                    "costs": dict(o.costs),
                    "scale": o.scale,
                    "n_clusters": o.n_clusters,
                    "cluster_sizes": list(o.cluster_sizes),
                    "references": list(o.references),
                }
                for o in self.outcomes
            ],
        }

    def table(self) -> Any:
        """A ``rich.table.Table`` of kept and dropped tasks and why."""
        from rich.table import Table

        table = Table(title=f"curation ({self.backend}, {self.metric})")
        width = max((len(o.task_id) for o in self.outcomes), default=4)
        table.add_column("task", min_width=width, no_wrap=True)
        for col in ("kept", "solutions", "scale", "clusters", "slowest ref", "fastest ref"):
            table.add_column(col, justify="left" if col == "kept" else "right", no_wrap=True)
        table.add_column("why / dropped solutions", overflow="fold", min_width=24)
        for o in self.outcomes:
            refs = o.reference_costs
            why = o.reason
            if o.dropped_solutions:
                dropped = "; ".join(f"{n}: {r}" for n, r in o.dropped_solutions.items())
                why = f"{why}; dropped {dropped}" if why else f"dropped {dropped}"
            table.add_row(
                o.task_id,
                "yes" if o.kept else "[red]no[/red]",
                f"{o.n_solutions - len(o.dropped_solutions)}/{o.n_solutions}",
                "-" if o.scale is None else str(o.scale),
                str(o.n_clusters) if o.n_clusters else "-",
                f"{refs[0]:,.0f}" if refs else "-",
                f"{refs[-1]:,.0f}" if refs else "-",
                why,
            )
        return table

    def __str__(self) -> str:
        lines = [
            f"curation with {self.backend} ({self.metric}): {len(self)}/{len(self.outcomes)} kept"
        ]
        for o in self.outcomes:
            if o.kept:
                lines.append(f"  kept    {o.task_id}: {o.n_clusters} clusters")
            else:
                lines.append(f"  dropped {o.task_id}: {o.reason}")
        return "\n".join(lines)


# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# the curation itself


@dataclass
class _Settings:
    backend: str
    min_clusters: int
    min_cost: float
    max_cost: float
    time_wall: float
    memory_wall_mb: int
    bias: float
    weight: float
    max_cv: float
    scale: int | None
    max_scale: int
    machine: dict[str, Any] = field(default_factory=dict)


class _Drop(Exception):
    """A task leaves the dataset; the message says why."""


@dataclass
class _Task:
    """One pool task being curated: its kind, row, runners and what happened so far."""

    kind: Kind
    row: dict[str, Any]
    s: _Settings
    pool: RunnerPool
    dropped: dict[str, str] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)
    scale: int | None = None

    @property
    def sources(self) -> dict[str, str]:
        return dict(zip(self.row["solution_names"], self.row["solutions"]))

    @property
    def entry(self) -> str:
        return str(self.row["entry_point"])

    def chosen(self) -> CandidateRunner:
        """The chosen backend (default repeats): kept costs; also the (always native) checks."""
        s = self.s
        # the runner scales the (native) timeout for slow backends such as valgrind
        return self.kind.open_runner(
            self.pool, s.backend, self.row, timeout=s.time_wall, memory_mb=s.memory_wall_mb
        )

    def native(self) -> CandidateRunner:
        """Software backend, one repeat: fast native runs for the scale search."""
        s = self.s
        return self.kind.open_runner(
            self.pool,
            "software",
            self.row,
            timeout=s.time_wall,
            memory_mb=s.memory_wall_mb,
            repeats=1,
            verify=False,
        )

    def outcome(
        self,
        *,
        reason: str = "",
        line: dict[str, Any] | None = None,
        refs: list[str] | None = None,
        sizes: list[int] | None = None,
    ) -> TaskOutcome:
        """A kept task (``line`` given) or a dropped one (``reason``)."""
        common: dict[str, Any] = {
            "task_id": self.row["task_id"],
            "n_solutions": len(self.row["solution_names"]),
            "dropped_solutions": dict(self.dropped),
            "costs": dict(self.costs),
            "scale": self.scale,
        }
        if line is None:
            return TaskOutcome(kept=False, reason=reason, **common)
        assert refs is not None and sizes is not None
        return TaskOutcome(
            kept=True,
            reason="",
            n_clusters=len(refs),
            cluster_sizes=tuple(sizes),
            references=tuple(refs),
            line=line,
            **common,
        )


def curate(
    pool: str | Path | Iterable[Mapping[str, Any]],
    *,
    backend: str = "auto",
    min_clusters: int = 4,
    min_cost: float = 10_000,
    max_cost: float = 2e8,
    time_wall: float = DEFAULT_TIME_WALL,
    memory_wall_mb: int = DEFAULT_MEMORY_WALL_MB,
    bias: float = 0.2,
    weight: float = 10_000,
    max_cv: float = DEFAULT_MAX_CV,
    scale: int | None = None,
    max_scale: int = DEFAULT_MAX_SCALE,
    tasks: Sequence[str] | None = None,
    workers: int = 1,
    progress: bool | Reporter = True,
    output: str | Path | None = None,
    allow_no_tests: bool = False,
    name: str = "curated",
    version: str = "1",
) -> CurationReport:
    """Turn a pool of correct solutions into a dataset of reference clusters.

    ``pool`` is a pool JSONL path, a directory of task folders, or an iterable
    of pool rows (docs/formats.md, "Pools"); Python and command tasks may
    be mixed. ``min_cost``/``max_cost`` are in the chosen backend's metric
    (instructions for ``qemu``/``valgrind``/``perf``, nanoseconds of task-clock for
    ``software``). ``time_wall`` (seconds) and ``memory_wall_mb`` bound each
    native run of the scale search (the memory wall applies to Python
    solutions: commands have no memory sandbox); ``scale`` forces one scale
    for every generator task (overriding rows' own). ``tasks`` keeps only those
    task ids. ``workers`` curates that many tasks at once. With ``output`` the
    dataset is written there (header ``name`` and ``version``). Returns a
    :class:`CurationReport`; print ``report.table()`` for the kept/dropped
    summary.
    """
    if min_clusters < 1:
        raise InvalidArgument(f"min_clusters must be >= 1, got {min_clusters}")
    if not (0 <= min_cost < max_cost):
        raise InvalidArgument(f"need 0 <= min_cost < max_cost, got {min_cost} and {max_cost}")
    if time_wall <= 0 or memory_wall_mb <= 0:
        raise InvalidArgument("time_wall and memory_wall_mb must be positive")
    if scale is not None and (type(scale) is not int or scale < 1):
        raise InvalidArgument(f"scale must be a positive integer, got {scale!r}")
    if type(max_scale) is not int or max_scale < 2:
        raise InvalidArgument(f"max_scale must be an integer >= 2, got {max_scale!r}")
    if workers < 1:
        raise InvalidArgument(f"workers must be >= 1, got {workers}")
    rows = load_pool(pool)
    if tasks is not None:
        wanted = list(dict.fromkeys(tasks))
        known = {r["task_id"] for r in rows}
        unknown = [t for t in wanted if t not in known]
        if unknown:
            raise InvalidArgument(
                f"unknown task id(s): {', '.join(unknown)}",
                hint=f"the pool has: {', '.join(sorted(known))}",
            )
        rows = [r for r in rows if r["task_id"] in set(wanted)]
    untested = [r["task_id"] for r in rows if not r.get("tests")]
    if untested and not allow_no_tests:
        raise InvalidArgument(
            f"{len(untested)} task(s) have no tests: {', '.join(untested[:10])}"
            + (" ..." if len(untested) > 10 else "")
            + "; their solutions would only be checked on the performance input",
            hint="add tests.json, or test_inputs() to inputs.py (expected outputs then come "
            "from the trusted solution), or pass allow_no_tests=True / --allow-no-tests",
        )

    # fail now, with the backend's hint, not after the checks
    resolved_backend, metric, reason = resolve_backend(backend, verify=True)
    settings = _Settings(
        backend=resolved_backend,
        min_clusters=min_clusters,
        min_cost=min_cost,
        max_cost=max_cost,
        time_wall=time_wall,
        memory_wall_mb=memory_wall_mb,
        bias=bias,
        weight=weight,
        max_cv=max_cv,
        scale=scale,
        max_scale=max_scale,
        machine=_machine(resolved_backend),
    )
    outcomes: list[TaskOutcome | None] = [None] * len(rows)
    with RunnerPool() as runners, reporter(progress, ProgressPlan("curate", len(rows))) as advance:

        def work(i: int) -> None:
            t0 = time.monotonic()
            advance.event({"kind": "task_start", "task_id": str(rows[i]["task_id"])})
            outcome = _curate_task(_Task(kind_of(rows[i]), rows[i], settings, runners), metric)
            outcomes[i] = outcome
            status = "kept" if outcome.kept else f"dropped ({outcome.reason})"
            advance(outcome.task_id, status, {}, time.monotonic() - t0)

        if workers == 1 or len(rows) == 1:
            for i in range(len(rows)):
                work(i)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool_ex:
                for fut in [pool_ex.submit(work, i) for i in range(len(rows))]:
                    fut.result()

    done = tuple(o for o in outcomes if o is not None)
    header = _header(name, version, settings, metric, reason)
    dataset, path = _build_dataset(done, header, output)
    return CurationReport(
        dataset=dataset,
        outcomes=done,
        backend=resolved_backend,
        metric=metric,
        header=header,
        path=path,
    )


def _curate_task(t: _Task, metric: str) -> TaskOutcome:
    """Curate one pool row; never raises for the task's own problems (they drop it)."""
    try:
        line, refs, sizes = _curate_steps(t, metric)
    except _Drop as exc:
        return t.outcome(reason=str(exc))
    return t.outcome(line=line, refs=refs, sizes=sizes)


def _curate_steps(t: _Task, metric: str) -> tuple[dict[str, Any], list[str], list[int]]:
    row, s, kind = t.row, t.s, t.kind
    sources = t.sources

    # 1. correctness on the tests
    alive, expected = _check_tests(t)
    if not alive:
        raise _Drop("no solution passes the tests")
    trusted = row.get("trusted")
    if trusted not in alive:
        trusted = alive[0]
    alive.remove(trusted)
    alive.insert(0, trusted)

    # 2. the performance-exercising input
    if "pe_input" in row:
        inputs = plain.decode(row["pe_input"])
    else:
        generate = _generator(row)
        scale = s.scale if s.scale is not None else row.get("scale")
        if scale is None:
            scale = _search_scale(t, alive, generate)
        t.scale = scale
        inputs = _generate(kind, generate, scale)

    # 3. profile with the chosen backend, outputs must agree with the trusted one
    chosen = t.chosen()
    profiles: dict[str, Any] = {}
    reference_outputs: Any = None
    for n in alive:
        p = kind.profile(chosen, sources[n], t.entry, inputs)
        if p.status != "ok":
            first = p.error.strip().splitlines()[0] if p.error.strip() else ""
            dropped = f"{p.status} on the performance input"
            t.dropped[n] = f"{dropped}: {first}" if first else dropped
            continue
        if reference_outputs is None:
            reference_outputs = p.outputs
        else:
            diff = kind.first_difference(p.outputs, reference_outputs, row)
            if diff is not None:
                t.dropped[n] = (
                    f"disagrees with {next(iter(profiles))} on the performance input: {diff}"
                )
                continue
        profiles[n] = p
        t.costs[n] = _number(p.cost)
    if not profiles:
        raise _Drop("no solution finishes the performance input")

    # 4. and 5. the filters, then the clustering
    refs, sizes, scores = _filter_and_cluster(t.costs, profiles, s, metric)
    line = _task_line(t, metric, inputs, expected, refs, scores, sizes)
    return line, refs, sizes


def _filter_and_cluster(
    costs: dict[str, float], profiles: dict[str, Any], s: _Settings, metric: str
) -> tuple[list[str], list[int], list[float]]:
    """Curation steps 4 and 5: the filters, then the clustering; raises ``_Drop``
    with the reason when the task fails one."""
    cheap = sorted((c, n) for n, c in costs.items() if c < s.min_cost)
    if cheap:
        c, n = cheap[0]
        raise _Drop(
            f"too little computation: {len(cheap)} solution(s) cost under {s.min_cost:,.0f} "
            f"{metric} (cheapest: {n}, {c:,.0f}); use a larger input"
        )
    slowest_name = max(costs, key=lambda k: (costs[k], k))
    if costs[slowest_name] > s.max_cost:
        raise _Drop(
            f"too much computation: {slowest_name} costs {costs[slowest_name]:,.0f} {metric} "
            f"> max_cost {s.max_cost:,.0f}; use a smaller input"
        )
    if s.backend not in _COUNTED_BACKENDS:
        cvs = [p.cv for p in profiles.values() if getattr(p, "cv", None) is not None]
        if cvs:
            p99 = _percentile(cvs, 99)
            if p99 >= s.max_cv:
                raise _Drop(
                    f"too noisy: P99 coefficient of variation {p99:.3f} >= max_cv {s.max_cv}"
                )
    # keep the slowest of each cluster
    order = sorted(costs, key=lambda k: (-costs[k], k))  # slow -> fast, ties by name
    refs, sizes, scores = _clusters(order, costs, s)
    if len(refs) < s.min_clusters:
        raise _Drop(f"only {len(refs)} cluster(s) < min_clusters {s.min_clusters}")
    return refs, sizes, scores


def _check_tests(t: _Task) -> tuple[list[str], list[Any] | None]:
    """Names of the solutions that pass the tests (pool order) and the expected outputs.

    Checks always run natively (the chosen runner's ``check``). Without
    ``expected``, the outputs of the first solution (the ``trusted`` one
    first) that runs every test without an error become the expected outputs.
    """
    row, kind = t.row, t.kind
    names: list[str] = row["solution_names"]
    tests = row.get("tests")
    if not tests:
        return list(names), None
    sources = t.sources
    atol, rtol = row.get("atol", 0), row.get("rtol", 0)
    args = plain.decode(tests)
    runner = t.chosen()
    expected = row.get("expected")
    if expected is None:
        order = list(names)
        trusted = row.get("trusted")
        if trusted in sources:
            order.remove(trusted)
            order.insert(0, trusted)
        placeholders = kind.placeholders(len(args))
        for n in order:
            c = kind.check(runner, sources[n], t.entry, args, placeholders)
            if c.outputs is not None:  # ran every test ("failed" only against the placeholders)
                expected = c.outputs
                break
            t.dropped[n] = kind.failure(runner, sources[n], c)
        if expected is None:
            raise _Drop("no solution runs all the tests without an error")
    alive = []
    for n in names:
        if n in t.dropped:
            continue
        c = kind.check(runner, sources[n], t.entry, args, expected, atol=atol, rtol=rtol)
        if c.passed:
            alive.append(n)
        else:
            t.dropped[n] = kind.failure(runner, sources[n], c)
    return alive, expected


def _generator(row: Mapping[str, Any]) -> Callable[[int], Any]:
    """``perf_input_gen`` from the row's generator source, run in this process."""
    ns: dict[str, Any] = {"__name__": f"perfcount_pool_{row['task_id']}"}
    try:
        exec(compile(row["input_generator"], f"<{row['task_id']} input_generator>", "exec"), ns)
    except Exception as exc:
        raise _Drop(f"input generator does not load: {type(exc).__name__}: {exc}") from None
    gen = ns.get("perf_input_gen")
    if not callable(gen):
        raise _Drop("input generator defines no perf_input_gen(scale)")
    return gen  # type: ignore[no-any-return]


def _generate(kind: Kind, generate: Callable[[int], Any], scale: int) -> list[Any]:
    """The performance inputs at ``scale`` (checked by the kind)."""
    try:
        inputs = generate(scale)
    except Exception as exc:
        raise _Drop(
            f"input generator failed at scale {scale}: {type(exc).__name__}: {exc}"
        ) from None
    try:
        return kind.workload(inputs, scale)
    except ValueError as exc:
        raise _Drop(str(exc)) from None


def _search_scale(t: _Task, alive: list[str], generate: Callable[[int], Any]) -> int:
    """Largest scale 2**k (k >= 1) every solution finishes within the walls and the cost cap.

    Native runs (software backend, task-clock ns) decide. The cap is in the
    chosen backend's metric, so native cost is converted with the ratio
    chosen-cost / native-cost of the natively slowest solution, measured at
    scale 2 and measured again once the slowest solution takes 1 ms or more
    (small runs are dominated by fixed costs). The chosen backend then
    confirms the slowest solution's cost at the final scale, halving the
    scale while it is over the cap.
    """
    s, kind, sources = t.s, t.kind, t.sources
    native = t.native()
    counted = s.backend != "software"
    ratio, calibrated_big = (None, False) if counted else (1.0, True)
    best: tuple[int, str] | None = None
    wall = ""
    scale = 2
    while scale <= s.max_scale:
        inputs = _generate(kind, generate, scale)
        worst_cost, worst_name = -1.0, alive[0]
        for n in alive:
            p = kind.profile(native, sources[n], t.entry, inputs)
            if p.status != "ok":
                wall = f"{n}: {p.status} at scale {scale}"
                break
            cost = _number(p.cost)
            if cost > worst_cost:
                worst_cost, worst_name = cost, n
        if wall:
            break
        if ratio is None or (not calibrated_big and worst_cost >= 1e6):
            measured = _chosen_cost(t, sources[worst_name], inputs)
            if measured is None:
                wall = f"{worst_name}: fails under the {s.backend} backend at scale {scale}"
                break
            ratio = measured / max(worst_cost, 1.0)
            calibrated_big = worst_cost >= 1e6
        if worst_cost * ratio > s.max_cost:
            wall = f"{worst_name}: estimated cost over max_cost at scale {scale}"
            break
        best = (scale, worst_name)
        scale *= 2
    if best is None:
        raise _Drop(f"no input scale fits the limits ({wall})")
    scale, worst_name = best
    while counted and scale > 2:
        final = _chosen_cost(t, sources[worst_name], _generate(kind, generate, scale))
        if final is not None and final <= s.max_cost:
            break
        scale //= 2
    return scale


def _chosen_cost(t: _Task, source: str, inputs: Any) -> float | None:
    p = t.kind.profile(t.chosen(), source, t.entry, inputs)
    return _number(p.cost) if p.status == "ok" else None


def _clusters(
    order: list[str], costs: dict[str, float], s: _Settings
) -> tuple[list[str], list[int], list[float]]:
    """(reference names slow -> fast, cluster sizes, cumulative scores 0-100).

    ``ReferenceSet.from_costs`` clusters and computes the cumulative shares, so
    the stored scores are exactly what the scoring code would derive.
    """
    from perfcount.dpe.scoring import ReferenceSet

    refs = ReferenceSet.from_costs([costs[n] for n in order], bias=s.bias, weight=s.weight)
    assert refs.representatives is not None and refs.sizes is not None
    names = [order[i] for i in refs.representatives]
    return names, list(refs.sizes), list(refs.scores)


def _task_line(
    t: _Task,
    metric: str,
    inputs: Any,
    expected: Any,
    refs: list[str],
    scores: list[float],
    sizes: list[int],
) -> dict[str, Any]:
    """One dataset line (EvalPerf columns + perfcount's own), deterministic."""
    row, s, costs = t.row, t.s, t.costs
    sources = t.sources
    line: dict[str, Any] = {
        "task_id": row["task_id"],
        "entry_point": row["entry_point"],
        "description": row.get("description", ""),
        "reference": [sources[n] for n in refs],
        "scores": scores,
        "cluster_sizes": sizes,
        "reference_costs": [costs[n] for n in refs],
        "pe_input": plain.encode(inputs),
        "curation": {
            "backend": s.backend,
            "metric": metric,
            "machine": s.machine,
            "scale": t.scale,
            "reference_names": refs,
            "costs": dict(sorted(costs.items())),
            "dropped": dict(sorted(t.dropped.items())),
            "bias": s.bias,
            "weight": s.weight,
            "min_clusters": s.min_clusters,
            "perfcount_version": __version__,
        },
        **t.kind.line_fields(row),
    }
    if row.get("tests"):
        line["tests"] = row["tests"]
        line["expected"] = expected
    for key in ("atol", "rtol"):
        if row.get(key):
            line[key] = row[key]
    for key in ("signature", "family", "difficulty", "prompt"):
        if key in row:
            line[key] = row[key]
    for key in ("baseline", "expert"):
        src = anchor_source(row, key)
        if src is None:
            continue
        line[key] = src
        name = next((n for n in row["solution_names"] if sources[n] == src), None)
        if name in costs:
            line["curation"][f"{key}_name"] = name
            line["curation"][f"{key}_cost"] = costs[name]
    return _sorted(line)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _number(value: Any) -> float:
    x = float(value)
    return int(x) if x.is_integer() else x  # type: ignore[return-value]


def _percentile(values: Sequence[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q))


def _machine(backend: str) -> dict[str, Any]:
    """Where the costs were measured: the host (``host.describe()``), the CPU ``backend`` counts."""
    try:
        from perfcount.counters.backends import counted_cpu
        from perfcount.counters.host import describe

        return {**describe(), "counted_cpu": counted_cpu(backend)}
    except Exception as exc:  # informative only; never block a curation on it
        return {"error": f"{type(exc).__name__}: {exc}"}


def _header(name: str, version: str, s: _Settings, metric: str, reason: str) -> dict[str, Any]:
    import datetime

    return {
        "format": "perfcount-dataset",
        "format_version": 1,
        "name": name,
        "version": version,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "perfcount_version": __version__,
        "backend": s.backend,
        "backend_reason": reason,
        "metric": metric,
        "machine": s.machine,
        "curation": {
            "min_clusters": s.min_clusters,
            "min_cost": s.min_cost,
            "max_cost": s.max_cost,
            "time_wall": s.time_wall,
            "memory_wall_mb": s.memory_wall_mb,
            "bias": s.bias,
            "weight": s.weight,
            "max_cv": s.max_cv,
            "scale": s.scale,
        },
    }


def _build_dataset(
    outcomes: Sequence[TaskOutcome], header: Mapping[str, Any], output: str | Path | None
) -> tuple[Any, str | None]:
    """The kept tasks as a ``Dataset``; with ``output``, written there and read back.

    The file is the header line then one task per line, keys sorted (a
    rebuild diffs cleanly), written atomically. Reading it back goes through
    the same validation as every user of the file
    (``perfcount.dpe.datasets.read_dataset``).
    """
    from perfcount.dpe.datasets import Dataset, Task, read_dataset

    lines = [o.line for o in outcomes if o.kept and o.line is not None]
    if output is not None:
        path = Path(output)
        text = "".join(
            json.dumps(row, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
            for row in (header, *lines)
        )
        write_atomic(path, text)
        return (read_dataset(path) if lines else None), str(path)
    if not lines:
        return None, None
    tasks = [Task.from_dict(dict(line)) for line in lines]
    return Dataset(tasks, name=header["name"], version=header["version"], header=header), None
