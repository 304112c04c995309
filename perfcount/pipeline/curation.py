"""Curation: a pool of correct solutions -> a dataset of reference clusters.

This is the curation phase of Differential Performance Evaluation (Liu et al.,
COLM 2024), task by task:

1. **Correctness.** Every solution runs the task's ``tests``; expected outputs
   come from ``expected`` or else from the first solution that runs them all
   without error. Solutions that fail are dropped (and reported).
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

The result is a :class:`CurationReport`: a mapping of the kept tasks (like a
``Dataset``), the ``Dataset`` itself, and one :class:`TaskOutcome` per pool
task saying what was kept or dropped and why. Task lines are deterministic for
a deterministic backend (``valgrind``): sorted keys and no timestamps (the
date goes in the dataset header only).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfcount._util import plain
from perfcount._version import __version__
from perfcount.dpe.commands import DEFAULT_BUILD_TIMEOUT, CommandSpec, compare_output, parse_input
from perfcount.dpe.pools import anchor_source
from perfcount.errors import DatasetError, InvalidArgument
from perfcount.execute.commands import CommandRunner
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
_COUNTED_BACKENDS = frozenset({"valgrind", "perf"})


# --------------------------------------------------------------------------
# pool input


_KNOWN_FIELDS = frozenset(
    {
        "task_id",
        "entry_point",
        "solutions",
        "solution_names",
        "pe_input",
        "input_generator",
        "tests",
        "expected",
        "atol",
        "rtol",
        "description",
        "scale",
        "trusted",
        "signature",
        "family",
        "difficulty",
        "language",
        "prompt",
    }
)


def validate_pool_row(row: Any, *, path: str = "<pool>", line: int | None = None) -> dict[str, Any]:
    """Check one pool row (DESIGN.md "Curation input") and return a normalised copy.

    Raises ``DatasetError`` naming ``path:line: field`` and the problem. Fills
    ``solution_names`` (``solution_01`` ...) when absent.
    """

    def bad(message: str, fld: str | None = None, hint: str = "") -> DatasetError:
        return DatasetError(message, path=path, line=line, field=fld, hint=hint)

    if not isinstance(row, dict):
        raise bad(f"a pool row must be a JSON object, not {type(row).__name__}")
    if row.get("run") is not None or row.get("language", "python") not in ("python", "py"):
        from perfcount.dpe.pools import validate_command_row  # candidates are commands

        return validate_command_row(row, path=path, line=line)
    out = dict(row)
    for key in ("task_id", "entry_point"):
        value = row.get(key)
        if not isinstance(value, str) or not value:
            raise bad("missing or not a non-empty string", key)
    if not row["entry_point"].isidentifier():
        raise bad(f"{row['entry_point']!r} is not a Python identifier", "entry_point")
    solutions = row.get("solutions")
    if not isinstance(solutions, list) or not solutions:
        raise bad("missing or empty; give a list of solution source strings", "solutions")
    for i, src in enumerate(solutions):
        if not isinstance(src, str):
            raise bad(f"item {i} is {type(src).__name__}, expected source text", "solutions")
    names = row.get("solution_names")
    if names is None:
        width = max(2, len(str(len(solutions))))
        names = [f"solution_{i + 1:0{width}d}" for i in range(len(solutions))]
    elif (
        not isinstance(names, list)
        or len(names) != len(solutions)
        or not all(isinstance(n, str) and n for n in names)
    ):
        raise bad("must be a list of non-empty strings, one per solution", "solution_names")
    if len(set(names)) != len(names):
        raise bad("solution names must be unique", "solution_names")
    out["solution_names"] = list(names)
    has_pe, has_gen = "pe_input" in row, "input_generator" in row
    if not has_pe and not has_gen:
        raise bad(
            "needs either pe_input (a list of argument lists) or input_generator "
            "(source defining perf_input_gen(scale))",
            "pe_input",
        )
    if has_pe:
        pe = row["pe_input"]
        if isinstance(pe, str):  # EvalPerf stores pe_input as a JSON string
            try:
                pe = json.loads(pe)
            except json.JSONDecodeError as exc:
                raise bad(f"not valid JSON: {exc.msg}", "pe_input") from None
        if not _is_arg_lists(pe):
            raise bad("must be a non-empty list of argument lists", "pe_input")
        out["pe_input"] = pe
    if has_gen and not has_pe:
        gen = row["input_generator"]
        if not isinstance(gen, str) or "perf_input_gen" not in gen:
            raise bad("must be source text defining perf_input_gen(scale)", "input_generator")
    if "tests" in row:
        if not _is_arg_lists(row["tests"]):
            raise bad("must be a non-empty list of argument lists", "tests")
        if "expected" in row:
            exp = row["expected"]
            if not isinstance(exp, list) or len(exp) != len(row["tests"]):
                raise bad(
                    f"must be a list with one output per test ({len(row['tests'])})", "expected"
                )
    elif "expected" in row:
        raise bad("given without tests", "expected")
    for key in ("atol", "rtol"):
        value = row.get(key, 0)
        if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
            raise bad("must be a finite number >= 0", key)
    scale = row.get("scale")
    if scale is not None and (type(scale) is not int or scale < 1):
        raise bad("must be a positive integer", "scale")
    if "description" in row and not isinstance(row["description"], str):
        raise bad("must be a string", "description")
    trusted = row.get("trusted")
    if trusted is not None:
        stem = trusted.removesuffix(".py") if isinstance(trusted, str) else None
        if stem not in out["solution_names"]:
            raise bad(f"{trusted!r} is not one of the solution names", "trusted")
        out["trusted"] = stem
    return out


def _is_arg_lists(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(a, list) for a in value)


def load_pool(source: str | Path | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Pool rows from a JSONL file, a directory of task folders, or Python dicts.

    Every row is validated (:func:`validate_pool_row`); errors name
    ``file:line: field``. Task ids must be unique.
    """
    rows: list[dict[str, Any]] = []
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            from perfcount.dpe.pools import (
                is_command_pool_dir,
                load_command_pool_dir,
                load_pool_dir,
            )

            if is_command_pool_dir(path):
                return load_command_pool_dir(path)
            rows = [
                validate_pool_row(r, path=str(path / str(r.get("task_id", "?"))))
                for r in load_pool_dir(path)
            ]
        elif path.is_file():
            rows = _read_pool_jsonl(path)
        else:
            raise DatasetError(
                "no such file or directory",
                path=str(path),
                hint="give a pool JSONL file or a directory of task folders",
            )
    else:
        for i, row in enumerate(source):
            rows.append(
                validate_pool_row(dict(row) if isinstance(row, Mapping) else row, line=i + 1)
            )
    if not rows:
        raise DatasetError(
            "the pool has no tasks",
            path=str(source) if isinstance(source, (str, Path)) else "<pool>",
        )
    seen: set[str] = set()
    for row in rows:
        if row["task_id"] in seen:
            raise DatasetError(f"duplicate task_id {row['task_id']!r}", field="task_id")
        seen.add(row["task_id"])
    return rows


def _read_pool_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DatasetError(
                    f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                    path=str(path),
                    line=lineno,
                ) from None
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DatasetError(
                    f"not valid JSON: {exc.msg} (column {exc.colno})", path=str(path), line=lineno
                ) from None
            rows.append(validate_pool_row(row, path=str(path), line=lineno))
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


class _Runners:
    """Per-thread runners: a fast native one (checks, scale search) and the chosen one."""

    def __init__(self, settings: _Settings) -> None:
        self._settings = settings
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def _open(self, backend: str, repeats: int | None, verify: bool) -> Any:
        from perfcount.execute.runner import Runner

        s = self._settings
        # the runner scales the (native) timeout for slow backends such as valgrind
        runner = Runner(
            backend,
            timeout=s.time_wall,
            memory_mb=s.memory_wall_mb,
            repeats=repeats,
            verify=verify,
        )
        with self._lock:
            self._all.append(runner)
        return runner

    def native(self) -> Any:
        """Software backend, one repeat: fast native runs for the scale search."""
        r = getattr(self._local, "native", None)
        if r is None:
            r = self._local.native = self._open("software", 1, False)
        return r

    def chosen(self) -> Any:
        """The chosen backend (default repeats): kept costs; also the (always native) checks."""
        r = getattr(self._local, "chosen", None)
        if r is None:
            r = self._local.chosen = self._open(self._settings.backend, None, True)
        return r

    def close(self) -> None:
        with self._lock:
            runners, self._all = self._all, []
        for r in runners:
            r.close()


class _Drop(Exception):
    """A task leaves the dataset; the message says why."""


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
    name: str = "curated",
    version: str = "1",
) -> CurationReport:
    """Turn a pool of correct solutions into a dataset of reference clusters.

    ``pool`` is a pool JSONL path, a directory of task folders, or an iterable
    of pool rows (DESIGN.md "Curation input"). ``min_cost``/``max_cost`` are
    in the chosen backend's metric (instructions for ``valgrind``/``perf``,
    nanoseconds of task-clock for ``software``). ``time_wall`` (seconds) and
    ``memory_wall_mb`` bound each native run of the scale search; ``scale``
    forces one scale for every generator task (overriding rows' own).
    ``tasks`` keeps only those task ids. ``workers`` curates that many tasks
    at once. With ``output`` the dataset is written there (header ``name`` and
    ``version``). Returns a :class:`CurationReport`; print ``report.table()``
    for the kept/dropped summary.
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

    resolved_backend, metric, reason = _resolve_backend(backend)
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
        machine=_machine(),
    )
    runners = _Runners(settings)
    outcomes: list[TaskOutcome | None] = [None] * len(rows)
    try:
        with reporter(progress, ProgressPlan("curate", len(rows))) as advance:

            def work(i: int) -> None:
                outcome = _curate_task(rows[i], settings, runners, metric)
                outcomes[i] = outcome
                status = "kept" if outcome.kept else f"dropped ({outcome.reason})"
                advance(outcome.task_id, status, {})

            if workers == 1 or len(rows) == 1:
                for i in range(len(rows)):
                    work(i)
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool_ex:
                    for fut in [pool_ex.submit(work, i) for i in range(len(rows))]:
                        fut.result()
    finally:
        runners.close()

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


def _resolve_backend(backend: str) -> tuple[str, str, str]:
    """(backend name, metric, reason) for ``backend`` ("auto" resolved here)."""
    from perfcount.counters.backends import select

    impl, reason = select(backend)
    impl.check_available()  # fail now, with the backend's hint, not after the checks
    return impl.name, str(impl.metric), reason


def _curate_task(row: dict[str, Any], s: _Settings, runners: _Runners, metric: str) -> TaskOutcome:
    """Curate one pool row; never raises for the task's own problems (they drop it)."""
    if row.get("command"):
        return curate_command_task(row, s, metric)  # type: ignore[no-any-return]
    dropped: dict[str, str] = {}
    state: dict[str, Any] = {"scale": None, "costs": {}}
    try:
        line, _, sizes, refs = _curate_task_inner(row, s, runners, metric, dropped, state)
    except _Drop as exc:
        return _outcome(row, dropped, state, reason=str(exc))
    return _outcome(row, dropped, state, line=line, refs=refs, sizes=sizes)


def _outcome(
    row: dict[str, Any],
    dropped: dict[str, str],
    state: dict[str, Any],
    *,
    reason: str = "",
    line: dict[str, Any] | None = None,
    refs: list[str] | None = None,
    sizes: list[int] | None = None,
) -> TaskOutcome:
    """A kept task (``line`` given) or a dropped one (``reason``), Python or command pool."""
    common: dict[str, Any] = {
        "task_id": row["task_id"],
        "n_solutions": len(row["solution_names"]),
        "dropped_solutions": dict(dropped),
        "costs": dict(state["costs"]),
        "scale": state["scale"],
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


def _curate_task_inner(
    row: dict[str, Any],
    s: _Settings,
    runners: _Runners,
    metric: str,
    dropped: dict[str, str],
    state: dict[str, Any],
) -> tuple[dict[str, Any], int, list[int], list[str]]:
    names: list[str] = row["solution_names"]
    sources = dict(zip(names, row["solutions"]))
    entry = row["entry_point"]
    atol, rtol = row.get("atol", 0), row.get("rtol", 0)

    # 1. correctness on the tests
    alive, expected = _check_tests(row, sources, runners.chosen(), dropped)
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
            scale = _search_scale(row, s, runners, sources, alive, generate)
        state["scale"] = scale
        inputs = _generate(generate, scale)

    # 3. profile with the chosen backend, outputs must agree with the trusted one
    chosen = runners.chosen()
    profiles: dict[str, Any] = {}
    reference_outputs: Any = None
    for n in alive:
        p = chosen.profile(sources[n], entry, inputs)
        if p.status != "ok":
            dropped[n] = f"{p.status} on the performance input" + (
                f": {p.error}" if p.error else ""
            )
            continue
        if reference_outputs is None:
            reference_outputs = p.outputs
        else:
            diff = plain.first_difference(p.outputs, reference_outputs, atol=atol, rtol=rtol)
            if diff is not None:
                dropped[n] = (
                    f"disagrees with {next(iter(profiles))} on the performance input: {diff}"
                )
                continue
        profiles[n] = p
        state["costs"][n] = _number(p.cost)
    if not profiles:
        raise _Drop("no solution finishes the performance input")
    costs: dict[str, float] = state["costs"]

    refs, sizes, scores = _filter_and_cluster(costs, profiles, s, metric)
    line = _task_line(
        row, s, metric, state["scale"], inputs, expected, refs, scores, sizes, costs, dropped
    )
    return line, len(refs), sizes, refs


def _filter_and_cluster(
    costs: dict[str, float], profiles: dict[str, Any], s: Any, metric: str
) -> tuple[list[str], list[int], list[float]]:
    """Curation steps 4 and 5 (Python and command pools alike): the filters, then
    the clustering; raises ``_Drop`` with the reason when the task fails one."""
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


def _check_tests(
    row: dict[str, Any], sources: dict[str, str], runner: Any, dropped: dict[str, str]
) -> tuple[list[str], list[Any] | None]:
    """Names of the solutions that pass the tests (pool order) and the expected outputs.

    ``Runner.check`` always runs natively. Without ``expected``, the outputs of
    the first solution (the ``trusted`` one first) that runs every test
    without an error become the expected outputs.
    """
    names: list[str] = row["solution_names"]
    tests = row.get("tests")
    if not tests:
        return list(names), None
    entry = row["entry_point"]
    atol, rtol = row.get("atol", 0), row.get("rtol", 0)
    args = plain.decode(tests)
    expected = row.get("expected")
    if expected is None:
        order = list(names)
        trusted = row.get("trusted")
        if trusted in sources:
            order.remove(trusted)
            order.insert(0, trusted)
        placeholder = [None] * len(args)
        for n in order:
            c = runner.check(sources[n], entry, args, placeholder)
            if c.outputs is not None:  # ran every test ("failed" only against the placeholder)
                expected = c.outputs
                break
            dropped[n] = _first_failure(c)
        if expected is None:
            raise _Drop("no solution runs all the tests without an error")
    alive = []
    for n in names:
        if n in dropped:
            continue
        c = runner.check(sources[n], entry, args, expected, atol=atol, rtol=rtol)
        if c.passed:
            alive.append(n)
        else:
            dropped[n] = _first_failure(c)
    return alive, expected


def _first_failure(check: Any) -> str:
    error = str(getattr(check, "error", "") or "").strip()
    if error:
        lines = error.splitlines()
        return lines[0] if check.status == "failed" else f"{check.status}: {lines[-1]}"
    return f"{check.status} on the tests"


def _generator(row: dict[str, Any]) -> Callable[[int], Any]:
    """``perf_input_gen`` from the row's generator source, run in this process."""
    ns: dict[str, Any] = {"__name__": f"perfcount_pool_{row['task_id']}"}
    try:
        exec(compile(row["input_generator"], f"<{row['task_id']} input_generator>", "exec"), ns)
    except Exception as exc:
        raise _Drop(f"input generator does not load: {type(exc).__name__}: {exc}") from None
    gen = ns.get("perf_input_gen")
    if not callable(gen):
        raise _Drop("input generator defines no perf_input_gen(scale)")
    return gen


def _generate(generate: Callable[[int], Any], scale: int) -> list[Any]:
    try:
        inputs = generate(scale)
    except Exception as exc:
        raise _Drop(
            f"input generator failed at scale {scale}: {type(exc).__name__}: {exc}"
        ) from None
    if (
        not isinstance(inputs, list)
        or not inputs
        or not all(isinstance(a, (list, tuple)) for a in inputs)
    ):
        raise _Drop(f"perf_input_gen({scale}) must return a non-empty list of argument lists")
    try:  # inputs must be plain data to reach the worker; this also makes private copies
        return plain.decode(plain.encode([list(a) for a in inputs]))
    except plain.UnsupportedValue as exc:
        raise _Drop(f"perf_input_gen({scale}) returned non-plain data: {exc}") from None


def _search_scale(
    row: dict[str, Any],
    s: _Settings,
    runners: _Runners,
    sources: dict[str, str],
    alive: list[str],
    generate: Callable[[int], Any],
) -> int:
    """Largest scale 2**k (k >= 1) every solution finishes within the walls and the cost cap.

    Native runs (software backend, task-clock ns) decide. The cap is in the
    chosen backend's metric, so native cost is converted with the ratio
    chosen-cost / native-cost of the natively slowest solution, measured at
    scale 2 and measured again once the slowest solution takes 1 ms or more
    (small runs are dominated by fixed costs). The chosen backend then
    confirms the slowest solution's cost at the final scale, halving the
    scale while it is over the cap.
    """
    native = runners.native()
    entry = row["entry_point"]
    counted = s.backend != "software"
    ratio, calibrated_big = (None, False) if counted else (1.0, True)
    best: tuple[int, str] | None = None
    wall = ""
    scale = 2
    while scale <= s.max_scale:
        inputs = _generate(generate, scale)
        worst_cost, worst_name = -1.0, alive[0]
        for n in alive:
            p = native.profile(sources[n], entry, inputs)
            if p.status != "ok":
                wall = f"{n}: {p.status} at scale {scale}"
                break
            cost = _number(p.cost)
            if cost > worst_cost:
                worst_cost, worst_name = cost, n
        if wall:
            break
        if ratio is None or (not calibrated_big and worst_cost >= 1e6):
            measured = _chosen_cost(runners, sources[worst_name], entry, inputs)
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
        final = _chosen_cost(runners, sources[worst_name], entry, _generate(generate, scale))
        if final is not None and final <= s.max_cost:
            break
        scale //= 2
    return scale


def _chosen_cost(runners: _Runners, source: str, entry: str, inputs: Any) -> float | None:
    p = runners.chosen().profile(source, entry, inputs)
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
    row: dict[str, Any],
    s: _Settings,
    metric: str,
    scale: int | None,
    inputs: Any,
    expected: Any,
    refs: list[str],
    scores: list[float],
    sizes: list[int],
    costs: dict[str, float],
    dropped: dict[str, str],
) -> dict[str, Any]:
    """One dataset line (EvalPerf columns + perfcount's own), deterministic."""
    sources = dict(zip(row["solution_names"], row["solutions"]))
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
            "scale": scale,
            "reference_names": refs,
            "costs": dict(sorted(costs.items())),
            "dropped": dict(sorted(dropped.items())),
            "bias": s.bias,
            "weight": s.weight,
            "min_clusters": s.min_clusters,
            "perfcount_version": __version__,
        },
    }
    if row.get("language", "python") != "python":
        line["language"] = row["language"]
    if "prompt" in row:
        line["prompt"] = row["prompt"]
    if row.get("tests"):
        line["tests"] = row["tests"]
        line["expected"] = expected
    for key in ("atol", "rtol"):
        if row.get(key):
            line[key] = row[key]
    for key in ("signature", "family", "difficulty"):
        if key in row:
            line[key] = row[key]
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


def _machine() -> dict[str, Any]:
    """``perfcount.counters.host.describe()``: where the costs were measured."""
    try:
        from perfcount.counters.host import describe

        return dict(describe())
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


def _write_dataset_file(
    header: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], path: Path
) -> None:
    """Header line then one task per line, keys sorted (a rebuild diffs cleanly); atomic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in (header, *lines):
                fh.write(json.dumps(row, sort_keys=True, ensure_ascii=False, allow_nan=False))
                fh.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _build_dataset(
    outcomes: Sequence[TaskOutcome], header: Mapping[str, Any], output: str | Path | None
) -> tuple[Any, str | None]:
    """The kept tasks as a ``Dataset``; with ``output``, written there and read back.

    Reading the file back goes through the same validation as every user of
    the file (``perfcount.dpe.datasets.read_dataset``).
    """
    from perfcount.dpe.datasets import Dataset, Task, read_dataset

    lines = [o.line for o in outcomes if o.kept and o.line is not None]
    if output is not None:
        path = Path(output)
        _write_dataset_file(header, lines, path)
        return (read_dataset(path) if lines else None), str(path)
    if not lines:
        return None, None
    tasks = [Task.from_dict(dict(line)) for line in lines]
    return Dataset(tasks, name=header["name"], version=header["version"], header=header), None


# --------------------------------------------------------------------------
# command pools


def _spec_of_row(row: Mapping[str, Any]) -> CommandSpec:
    return CommandSpec.create(
        row["language"],
        run=row.get("run"),
        build=row.get("build", "default"),
        compare=row.get("compare", "whitespace"),
        atol=row.get("atol", 0.0),
        rtol=row.get("rtol", 0.0),
        build_timeout=row.get("build_timeout", DEFAULT_BUILD_TIMEOUT),
    )


def _generate_inputs(row: Mapping[str, Any], scale: int) -> list[Any]:
    from perfcount.pipeline.curation import _Drop

    ns: dict[str, Any] = {"__name__": f"perfcount_pool_{row['task_id']}"}
    try:
        exec(compile(row["input_generator"], f"<{row['task_id']} input_generator>", "exec"), ns)
        inputs = ns["perf_input_gen"](scale)
    except Exception as exc:
        raise _Drop(
            f"input generator failed at scale {scale}: {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(inputs, list) or not inputs:
        raise _Drop(f"perf_input_gen({scale}) must return a non-empty list of inputs")
    try:
        for i, item in enumerate(inputs):
            parse_input(item, f"perf_input_gen({scale})[{i}]")
        return list(plain.decode(plain.encode(inputs)))
    except (InvalidArgument, plain.UnsupportedValue) as exc:
        raise _Drop(str(exc)) from None


def curate_command_task(row: dict[str, Any], s: Any, metric: str) -> Any:
    """Curate one command pool row (the command twin of the Python path in
    :mod:`perfcount.pipeline.curation`): tests natively, the workload at the row's
    ``scale`` (or the largest power of two whose slowest solution stays under
    ``max_cost`` and the time wall), every solution counted with the chosen
    backend, outputs agreeing with the trusted solution's, the curation
    filters, clustering; the baseline and expert sources and their costs go
    into the task line. Returns a :class:`perfcount.pipeline.curation.TaskOutcome`.
    """
    from perfcount.pipeline.curation import _Drop, _outcome

    dropped: dict[str, str] = {}
    state: dict[str, Any] = {"scale": None, "costs": {}}
    spec = _spec_of_row(row)
    try:
        with (
            CommandRunner(spec, s.backend, timeout=s.time_wall) as chosen,
            CommandRunner(spec, "software", timeout=s.time_wall, repeats=1) as native,
        ):
            line, refs, sizes = _curate_command(row, s, metric, chosen, native, dropped, state)
    except _Drop as exc:
        return _outcome(row, dropped, state, reason=str(exc))
    return _outcome(row, dropped, state, line=line, refs=refs, sizes=sizes)


def _curate_command(
    row: dict[str, Any],
    s: Any,
    metric: str,
    chosen: CommandRunner,
    native: CommandRunner,
    dropped: dict[str, str],
    state: dict[str, Any],
) -> tuple[dict[str, Any], list[str], list[int]]:
    from perfcount.pipeline.curation import _Drop, _filter_and_cluster, _number, _sorted

    names: list[str] = row["solution_names"]
    sources = dict(zip(names, row["solutions"]))
    order = list(names)
    trusted = row.get("trusted")
    if trusted in sources:
        order.remove(trusted)
        order.insert(0, trusted)
    # 1. build and test natively
    expected = row.get("expected")
    tests = plain.decode(row["tests"]) if row.get("tests") else None
    alive: list[str] = []
    for n in order:
        b = native.build(sources[n])
        if not b.ok:
            dropped[n] = b.summary
            continue
        if tests is not None:
            if expected is None:
                c = native.check(sources[n], "", tests, [None] * len(tests))
                if c.outputs is None:
                    dropped[n] = f"{c.status}: {c.error.splitlines()[0] if c.error else ''}"
                    continue
                expected = list(c.outputs)
            c = native.check(sources[n], "", tests, expected)
            if not c.passed:
                dropped[n] = c.error.splitlines()[0] if c.error else c.status
                continue
        alive.append(n)
    if not alive:
        raise _Drop("no solution builds and passes the tests")
    # 2. the workload
    if "pe_input" in row:
        inputs = plain.decode(row["pe_input"])
    else:
        scale = s.scale if s.scale is not None else row.get("scale")
        if scale is None:
            scale = _command_scale(row, s, chosen, native, sources, alive)
        state["scale"] = scale
        inputs = _generate_inputs(row, scale)
    # 3. profile with the chosen backend; outputs must agree with the trusted one
    profiles: dict[str, Any] = {}
    reference_outputs: list[str] | None = None
    first_ok = ""
    for n in alive:
        p = chosen.profile(sources[n], "", inputs)
        if p.status != "ok":
            dropped[n] = (
                f"{p.status} on the performance input: {p.error.splitlines()[0] if p.error else ''}"
            )
            continue
        if reference_outputs is None:
            reference_outputs, first_ok = p.outputs, n
        else:
            diffs = [
                compare_output(
                    g, e, chosen.spec.compare, atol=chosen.spec.atol, rtol=chosen.spec.rtol
                )
                for g, e in zip(p.outputs, reference_outputs)
            ]
            diff = next((d for d in diffs if d is not None), None)
            if diff is not None:
                dropped[n] = f"disagrees with {first_ok} on the performance input: {diff}"
                continue
        profiles[n] = p
        state["costs"][n] = _number(p.cost)
    if not profiles:
        raise _Drop("no solution finishes the performance input")
    costs: dict[str, float] = state["costs"]
    refs, sizes, scores = _filter_and_cluster(costs, profiles, s, metric)
    line: dict[str, Any] = {
        "task_id": row["task_id"],
        "entry_point": "",
        "language": row["language"],
        "run": list(chosen.spec.run),
        "build": None if chosen.spec.build is None else list(chosen.spec.build),
        "compare": chosen.spec.compare,
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
            "scale": state["scale"],
            "reference_names": refs,
            "costs": dict(sorted(costs.items())),
            "dropped": dict(sorted(dropped.items())),
            "bias": s.bias,
            "weight": s.weight,
            "min_clusters": s.min_clusters,
        },
    }
    if line["build"] is None:
        line["no_build"] = True
        del line["build"]
    if tests is not None:
        line["tests"] = row["tests"]
        line["expected"] = expected
    for key in ("atol", "rtol"):
        if row.get(key):
            line[key] = row[key]
    for key in ("family", "difficulty", "prompt"):
        if key in row:
            line[key] = row[key]
    for key in ("baseline", "expert"):
        src = anchor_source(row, key)
        if src is None:
            continue
        line[key] = src
        name = next((n for n in names if sources[n] == src), None)
        if name in costs:
            line["curation"][f"{key}_name"] = name
            line["curation"][f"{key}_cost"] = costs[name]
    return _sorted(line), refs, sizes


def _command_scale(
    row: Mapping[str, Any],
    s: Any,
    chosen: CommandRunner,
    native: CommandRunner,
    sources: Mapping[str, str],
    alive: Sequence[str],
) -> int:
    """Largest 2**k (k >= 1) whose natively slowest solution finishes within the time
    wall and costs at most ``max_cost`` with the chosen backend."""
    from perfcount.pipeline.curation import _Drop

    best = None
    why = ""
    scale = 2
    while scale <= s.max_scale:
        inputs = _generate_inputs(row, scale)
        worst, worst_name = -1.0, alive[0]
        for n in alive:
            p = native.profile(sources[n], "", inputs)
            if p.status != "ok":
                why = f"{n}: {p.status} at scale {scale}"
                break
            if p.cost is not None and p.cost > worst:
                worst, worst_name = p.cost, n
        if why:
            break
        p = chosen.profile(sources[worst_name], "", inputs)
        if p.status != "ok" or p.cost is None or p.cost > s.max_cost:
            why = f"{worst_name}: over max_cost at scale {scale}"
            break
        best = scale
        scale *= 2
    if best is None:
        raise _Drop(f"no input scale fits the limits ({why})")
    return best
