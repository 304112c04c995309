"""Task sets with stored reference clusters: the dataset format and its loaders.

A dataset is JSONL, one task per line, with EvalPerf's columns (``task_id``,
``entry_point``, ``reference`` sources slow -> fast, ``scores`` cumulative
0-100, ``pe_input``) plus perfcount's own (``description``, ``tests`` /
``expected`` for correctness, ``atol``/``rtol``, ``cluster_sizes``,
``reference_costs``, ``curation`` metadata, and ``language``/``build``/``run``/
``baseline``/``expert`` for command tasks). Unknown columns are kept in
``Task.extra`` and written back.

Format history (``format_version``):

1. first version: an optional header object on the first line
   ``{"format": "perfcount-dataset", "format_version": 1, "name", "version",
   "created", "backend", ...}``; files without a header (EvalPerf's own JSONL)
   load as format ``"evalperf"``. Later in version 1: the optional column
   ``input_rule`` (see below). Its inputs are written already converted, so a
   reader that does not know the column (it lands in ``extra``) still gets the
   same values.

EvalPerf's layouts load as they are (docs/evalplus.md): the Hugging Face rows
(``pe_input`` a JSON string, a ``prompt``), the release rows (no
``entry_point``: it is read off the references, see
:func:`entry_point_from_references`), and scores that are float sums
(``100.00000000000001``, ``99.99999999999999``): a score within ``1e-9`` of
0-100 is clamped, a last score within ``1e-9`` of 100 is exactly 100, and a
decrease of at most ``1e-9`` is levelled rather than refused. A row is in
*EvalPerf layout* when it comes from a file without a header (or ``hf:``) and
has none of perfcount's own columns; for those rows

- ``Mbpp/N`` tasks get EvalPlus's input rule for N
  (:func:`perfcount.dpe.evalplus.rule_for_task`) as ``input_rule``;
- only ``pe_input[0]`` is kept for profiling, as EvalPerf does
  (``evalperf_inputs="first"``, the default; ``"all"`` keeps every input); the
  number dropped is recorded in ``extra["pe_input_dropped"]``.

Any row's ``input_rule`` is applied to its ``pe_input`` and ``tests`` at load
time (the rules are idempotent, so re-reading a written file is exact).

Inputs (``pe_input``, ``tests``) and ``expected`` outputs are stored in
:mod:`perfcount._util.plain` encoding; ordinary JSON decodes to itself, so EvalPerf
files load unchanged. ``pe_input`` may be a JSON *string* (as on the Hugging
Face hub) or a value. ``Task.inputs()`` / ``Task.test_inputs()`` give decoded
argument lists; ``expected`` stays encoded because comparisons happen on plain
data (:func:`perfcount._util.plain.equal`).

Every validation error is a :class:`~perfcount.errors.DatasetError` reading
``file:line: field: problem``.
"""

from __future__ import annotations

import ast
import difflib
import gzip
import importlib
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from perfcount._util import plain
from perfcount._util.atomic import write_atomic
from perfcount._util.jsonl import iter_jsonl
from perfcount.errors import DatasetError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Dataset",
    "Task",
    "UnknownTask",
    "available_datasets",
    "entry_point_from_references",
    "load_dataset",
    "read_dataset",
    "write_dataset",
]

FORMAT = "perfcount-dataset"
FORMAT_VERSION = 1
EVALPERF_FORMAT = "evalperf"

_NUMBER = (int, float)

# how far a stored score may stray from 0-100 / from non-decreasing (float sums)
SCORE_TOLERANCE = 1e-9
EVALPERF_INPUTS = ("first", "all")


class UnknownTask(DatasetError, KeyError):
    """A task id that is not in the dataset (also a ``KeyError``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return DatasetError.__str__(self)


@dataclass(frozen=True)
class Task:
    """One task: how to call a solution, its workload, references and tests.

    ``reference`` holds the reference sources slow -> fast with their
    cumulative ``scores`` (0-100); ``pe_input``/``tests`` are lists of
    plain-encoded argument lists (already converted by ``input_rule``, the
    name of a :data:`perfcount.dpe.evalplus.RULES` entry, when there is one); ``expected`` (plain-encoded, one per test)
    is ``None`` when not stored. ``reference_costs`` are the costs measured at
    curation (``curation`` says with which backend/metric on which machine).
    """

    task_id: str
    entry_point: str = ""
    reference: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()
    pe_input: list[Any] = field(default_factory=list)
    description: str = ""
    tests: list[Any] = field(default_factory=list)
    expected: list[Any] | None = None
    atol: float = 0.0
    rtol: float = 0.0
    cluster_sizes: tuple[int, ...] | None = None
    reference_costs: tuple[float, ...] | None = None
    curation: dict[str, Any] = field(default_factory=dict)
    language: str = "python"
    build: Any = None
    run: Any = None
    baseline: Any = None
    expert: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    input_rule: str | None = None

    def __hash__(self) -> int:
        return hash((self.task_id, self.entry_point, self.reference, self.scores))

    def __repr__(self) -> str:  # the full sources and inputs would flood a notebook
        call = f"run={self.run!r}" if self.is_command else f"entry_point={self.entry_point!r}"
        return (
            f"Task({self.task_id!r}, {call}, references={len(self.reference)}, "
            f"pe_inputs={len(self.pe_input)}, tests={len(self.tests)})"
        )

    # ------------------------------------------------------------ helpers
    def inputs(self) -> list[list[Any]]:
        """The performance-exercising inputs as decoded argument lists."""
        return [plain.decode(args) for args in self.pe_input]

    def test_inputs(self) -> list[list[Any]]:
        """The correctness-test inputs as decoded argument lists."""
        return [plain.decode(args) for args in self.tests]

    @property
    def has_tests(self) -> bool:
        """Whether correctness tests are stored (EvalPerf tasks have none)."""
        return bool(self.tests)

    @property
    def is_command(self) -> bool:
        """A task whose candidates are commands (``run`` given, or a language other than
        Python: its default build/run templates apply) rather than Python functions."""
        return self.run is not None or self.language not in ("python", "py")

    def reference_set(self, costs: Iterable[float] | None = None, *, policy: str = "warn") -> Any:
        """A :class:`~perfcount.dpe.scoring.ReferenceSet` from ``costs`` (default: the stored costs)."""
        from perfcount.dpe.scoring import ReferenceSet

        if not self.reference:
            raise DatasetError(
                "task has no references to score against", field="reference", path=self.task_id
            )
        if costs is None:
            if self.reference_costs is None:
                raise DatasetError(
                    "task stores no reference_costs; profile the references and pass their costs",
                    path=self.task_id,
                    field="reference_costs",
                )
            costs = self.reference_costs
        return ReferenceSet(costs, self.scores, self.cluster_sizes, policy=policy)

    # ------------------------------------------------------------ (de)serialisation
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready row (fields at their default are left out, except EvalPerf's columns)."""
        row: dict[str, Any] = {
            "task_id": self.task_id,
            "entry_point": self.entry_point,
        }
        if self.description:
            row["description"] = self.description
        row["reference"] = list(self.reference)
        row["scores"] = list(self.scores)
        if self.cluster_sizes is not None:
            row["cluster_sizes"] = list(self.cluster_sizes)
        if self.reference_costs is not None:
            row["reference_costs"] = list(self.reference_costs)
        row["pe_input"] = self.pe_input
        if self.input_rule is not None:
            row["input_rule"] = self.input_rule
        if self.tests:
            row["tests"] = self.tests
        if self.expected is not None:
            row["expected"] = self.expected
        if self.atol:
            row["atol"] = self.atol
        if self.rtol:
            row["rtol"] = self.rtol
        if self.language != "python":
            row["language"] = self.language
        for name in ("build", "run", "baseline", "expert"):
            value = getattr(self, name)
            if value is not None:
                row[name] = value
        if self.curation:
            row["curation"] = self.curation
        for key, value in self.extra.items():
            row.setdefault(key, value)
        return row

    @classmethod
    def from_dict(
        cls,
        row: Any,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        evalperf: bool = False,
        evalperf_inputs: str = "first",
    ) -> Task:
        """Validate one row (EvalPerf or perfcount columns) into a ``Task``.

        ``evalperf=True`` reads it as a row of an EvalPerf file would be read
        (input rule derived, only ``pe_input[0]`` kept unless
        ``evalperf_inputs="all"``) when it has EvalPerf's layout. Raises
        ``DatasetError`` located at ``path:line: field``.
        """
        _check_evalperf_inputs(evalperf_inputs)
        return _task_from_row(
            row,
            None if path is None else str(path),
            line,
            evalperf=evalperf,
            evalperf_inputs=evalperf_inputs,
        )


_KNOWN = {
    "task_id",
    "entry_point",
    "reference",
    "scores",
    "pe_input",
    "description",
    "tests",
    "expected",
    "atol",
    "rtol",
    "cluster_sizes",
    "reference_costs",
    "curation",
    "language",
    "build",
    "run",
    "baseline",
    "expert",
    "input_rule",
}
# perfcount's own columns: a row with one of them is not in EvalPerf's layout
_PERFCOUNT_ONLY = _KNOWN - {"task_id", "entry_point", "reference", "scores", "pe_input"}


def _check_evalperf_inputs(value: str) -> None:
    if value not in EVALPERF_INPUTS:
        raise DatasetError(
            f"evalperf_inputs must be one of {', '.join(map(repr, EVALPERF_INPUTS))}, got {value!r}"
        )


def _task_from_row(
    row: Any,
    path: str | None,
    line: int | None,
    *,
    evalperf: bool = False,
    evalperf_inputs: str = "first",
) -> Task:
    def bad(fld: str | None, message: str, hint: str = "") -> DatasetError:
        return DatasetError(message, path=path, line=line, field=fld, hint=hint)

    if not isinstance(row, dict):
        raise bad(None, f"expected a JSON object (one task), got {type(row).__name__}")
    task_id = row.get("task_id")
    if task_id is None:
        raise bad("task_id", "missing required field")
    if not isinstance(task_id, str) or not task_id:
        raise bad("task_id", f"must be a non-empty string, got {task_id!r}")

    language = row.get("language", "python")
    if not isinstance(language, str) or not language:
        raise bad("language", f"must be a non-empty string, got {language!r}")
    run = row.get("run")
    if run is not None and not (
        isinstance(run, str) or (isinstance(run, list) and all(isinstance(a, str) for a in run))
    ):
        raise bad("run", "must be a command string or a list of strings")
    build = row.get("build")
    if build is not None and not (
        isinstance(build, str)
        or (isinstance(build, list) and all(isinstance(a, str) for a in build))
    ):
        raise bad("build", "must be a command string or a list of strings")

    reference = row.get("reference", [])
    if not isinstance(reference, list) or not all(isinstance(s, str) for s in reference):
        raise bad("reference", "must be a list of source strings (slow -> fast)")

    entry_point = row.get("entry_point")
    if entry_point is None:
        if run is None and language in ("python", "py"):
            if not reference:
                raise bad("entry_point", "missing required field", "name the function to call")
            # EvalPerf's release rows have none: the function every reference defines
            try:
                entry_point = entry_point_from_references(reference)
            except DatasetError as exc:
                raise bad("entry_point", exc.message, exc.hint) from None
        else:
            entry_point = ""
    if not isinstance(entry_point, str):
        raise bad("entry_point", f"must be a string, got {type(entry_point).__name__}")
    scores = row.get("scores")
    if scores is None:
        if reference:
            raise bad("scores", "missing (one cumulative score per reference)")
        scores = []
    if not isinstance(scores, list):
        raise bad("scores", f"must be a list of numbers, got {type(scores).__name__}")
    if len(scores) != len(reference):
        raise bad(
            "scores",
            f"{len(scores)} scores for {len(reference)} references; give one score per reference",
        )
    # float sums as stored by EvalPerf (100.00000000000001, 99.99999999999999):
    # within SCORE_TOLERANCE of 0-100 is clamped, a last score that close to 100
    # is 100, and a decrease that small is levelled rather than refused
    normalised: list[float] = []
    previous = -math.inf
    for i, v in enumerate(scores):
        if not isinstance(v, _NUMBER) or isinstance(v, bool):
            raise bad("scores", f"scores[{i}] is {v!r}, not a number")
        if not -SCORE_TOLERANCE <= v <= 100 + SCORE_TOLERANCE:
            raise bad(
                "scores",
                f"scores[{i}] is {v!r}, outside 0-100",
                "scores are cumulative percentages",
            )
        f = min(max(float(v), 0.0), 100.0)
        if f < previous:
            if previous - f > SCORE_TOLERANCE:
                raise bad(
                    "scores",
                    f"scores[{i}] is {v!r} after {previous!r}; cumulative scores must be "
                    "non-decreasing slow -> fast",
                )
            f = previous
        normalised.append(f)
        previous = f
    if normalised and 100.0 - normalised[-1] <= SCORE_TOLERANCE:
        normalised[-1] = 100.0

    python = language == "python" and run is None
    # EvalPerf's own layout: no header and none of perfcount's columns
    evalperf_layout = evalperf and not (_PERFCOUNT_ONLY & row.keys())
    pe_input = row.get("pe_input", [])
    if isinstance(pe_input, str):
        try:
            pe_input = json.loads(pe_input)
        except json.JSONDecodeError as exc:
            raise bad("pe_input", f"a string that is not valid JSON ({exc.msg})") from None
    pe_input = _argument_lists(pe_input, "pe_input", python, bad)
    tests = _argument_lists(row.get("tests", []), "tests", python, bad)
    extra = {k: v for k, v in row.items() if k not in _KNOWN}
    if evalperf_layout and evalperf_inputs == "first" and len(pe_input) > 1:
        # EvalPerf profiles pe_input[0] only: profile(solution, entry_point, [pe_input[0]])
        extra["pe_input_dropped"] = len(pe_input) - 1
        pe_input = pe_input[:1]

    input_rule = row.get("input_rule")
    if input_rule is None and evalperf_layout and python:
        from perfcount.dpe.evalplus import rule_for_task

        found = rule_for_task(task_id)
        input_rule = None if found is None else found.id
    if input_rule is not None:
        pe_input = _apply_rule(input_rule, pe_input, "pe_input", python, bad)
        tests = _apply_rule(input_rule, tests, "tests", python, bad)
    expected = row.get("expected")
    if expected is not None:
        if not isinstance(expected, list):
            raise bad(
                "expected", f"must be a list (one output per test), got {type(expected).__name__}"
            )
        if len(expected) != len(tests):
            raise bad("expected", f"{len(expected)} expected outputs for {len(tests)} tests")

    tolerances = {}
    for name in ("atol", "rtol"):
        v = row.get(name, 0.0)
        if v is None:
            v = 0.0
        if not isinstance(v, _NUMBER) or isinstance(v, bool) or not (math.isfinite(v) and v >= 0):
            raise bad(name, f"must be a finite number >= 0, got {v!r}")
        tolerances[name] = float(v)

    sizes = row.get("cluster_sizes")
    if sizes is not None:
        if (
            not isinstance(sizes, list)
            or len(sizes) != len(reference)
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in sizes)
        ):
            raise bad("cluster_sizes", f"must be {len(reference)} positive integers, got {sizes!r}")
        sizes = tuple(sizes)
    costs = row.get("reference_costs")
    if costs is not None:
        if not isinstance(costs, list) or len(costs) != len(reference):
            raise bad(
                "reference_costs", f"must be a list of {len(reference)} costs (one per reference)"
            )
        for i, v in enumerate(costs):
            if (
                not isinstance(v, _NUMBER)
                or isinstance(v, bool)
                or not (math.isfinite(v) and v >= 0)
            ):
                raise bad(
                    "reference_costs", f"reference_costs[{i}] is {v!r}; costs are finite and >= 0"
                )
        costs = tuple(float(v) for v in costs)

    description = row.get("description")
    if description is None:
        description = row.get("prompt", "")
    if not isinstance(description, str):
        raise bad("description", f"must be a string, got {type(description).__name__}")
    curation = row.get("curation", {})
    if curation is None:
        curation = {}
    if not isinstance(curation, dict):
        raise bad("curation", f"must be an object, got {type(curation).__name__}")

    return Task(
        task_id=task_id,
        entry_point=entry_point,
        reference=tuple(reference),
        scores=tuple(normalised),
        pe_input=pe_input,
        description=description,
        tests=tests,
        expected=expected,
        atol=tolerances["atol"],
        rtol=tolerances["rtol"],
        cluster_sizes=sizes,
        reference_costs=costs,
        curation=curation,
        language=language,
        build=build,
        run=run,
        baseline=row.get("baseline"),
        expert=row.get("expert"),
        extra=extra,
        input_rule=input_rule,
    )


def _apply_rule(rule_id: Any, lists: list[Any], name: str, python: bool, bad: Any) -> list[Any]:
    """``lists`` (plain-encoded argument lists) converted by the input rule, re-encoded."""
    from perfcount.dpe.evalplus import RULES

    if not isinstance(rule_id, str) or rule_id not in RULES:
        raise bad(
            "input_rule",
            f"unknown input rule {rule_id!r}",
            f"known rules: {', '.join(RULES)}",
        )
    if not python:
        raise bad("input_rule", "input rules apply to Python function tasks only")
    rule = RULES[rule_id]
    out = []
    for i, args in enumerate(lists):
        try:
            out.append(plain.encode(rule(plain.decode(args))))
        except (TypeError, ValueError, IndexError) as exc:
            raise bad(
                name,
                f"{name}[{i}] does not fit input rule {rule_id} ({type(exc).__name__}: {exc})",
                rule.doc,
            ) from None
    return out


def entry_point_from_references(references: Iterable[str]) -> str:
    """The function to call, read off reference sources (EvalPerf's release rows have none).

    The top-level function every reference defines; when several are, the one
    none of the others calls (or names). Raises ``DatasetError`` naming the
    candidates when that still leaves more than one, or none. References that
    do not parse are left out of the reading.
    """
    parsed = []
    for source in references:
        try:
            parsed.append(ast.parse(source))
        except (SyntaxError, ValueError):
            continue
    if not parsed:
        raise DatasetError(
            "missing, and no reference parses to read it off",
            hint="add an entry_point field naming the function to call",
        )
    defined: list[dict[str, ast.AST]] = [
        {
            node.name: node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        for tree in parsed
    ]
    common = [name for name in defined[0] if all(name in d for d in defined[1:])]
    if len(common) == 1:
        return common[0]
    if not common:
        seen = sorted({name for d in defined for name in d})
        raise DatasetError(
            "missing, and no top-level function is defined by every reference"
            + (f" (they define {', '.join(map(repr, seen))})" if seen else ""),
            hint="add an entry_point field naming the function to call",
        )
    called: set[str] = set()
    for d in defined:
        for name, node in d.items():
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and sub.id in d and sub.id != name:
                    called.add(sub.id)
    roots = [name for name in common if name not in called]
    if len(roots) == 1:
        return roots[0]
    names = ", ".join(map(repr, roots or common))
    raise DatasetError(
        f"missing, and the references define several functions that could be it: {names}",
        hint="add an entry_point field naming the function to call",
    )


def _argument_lists(value: Any, name: str, python: bool, bad: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad(name, f"must be a list of argument lists, got {type(value).__name__}")
    if python:
        for i, args in enumerate(value):
            if not isinstance(args, list):
                raise bad(
                    name,
                    f"{name}[{i}] is a {type(args).__name__}, not an argument list",
                    "each input is a JSON array of positional arguments, e.g. [[1, 2], [3, 4]]",
                )
    return value


class Dataset(Mapping[str, Task]):
    """A read-only mapping task_id -> :class:`Task` with its provenance.

    ``name``, ``version``, ``format`` (``"perfcount-dataset"`` or
    ``"evalperf"``), ``format_version``, ``path`` (``None`` when built in
    memory) and ``header`` (every header field, e.g. ``created``,
    ``backend``). Task order is file order. Looking up an unknown id raises
    :class:`UnknownTask` (a ``KeyError``) naming close matches.
    """

    def __init__(
        self,
        tasks: Iterable[Task] | Mapping[str, Task],
        *,
        name: str = "",
        version: str = "",
        format: str = FORMAT,
        format_version: int | None = FORMAT_VERSION,
        path: str | os.PathLike[str] | None = None,
        header: Mapping[str, Any] | None = None,
    ) -> None:
        items = tasks.values() if isinstance(tasks, Mapping) else tasks
        self._tasks: dict[str, Task] = {}
        for task in items:
            if not isinstance(task, Task):
                raise DatasetError(f"expected Task objects, got {type(task).__name__}")
            if task.task_id in self._tasks:
                raise DatasetError(f"duplicate task_id {task.task_id!r}", field="task_id")
            self._tasks[task.task_id] = task
        self.name = name
        self.version = version
        self.format = format
        self.format_version = format_version
        self.path = None if path is None else Path(path)
        self.header: dict[str, Any] = dict(header or {})

    def __getitem__(self, task_id: str) -> Task:
        try:
            return self._tasks[task_id]
        except KeyError:
            close = difflib.get_close_matches(str(task_id), list(self._tasks), n=3, cutoff=0.6)
            hint = f"did you mean {', '.join(map(repr, close))}?" if close else ""
            where = self.name or (str(self.path) if self.path else "the dataset")
            raise UnknownTask(
                f"unknown task {task_id!r} in {where} ({len(self)} tasks)", hint=hint
            ) from None

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._tasks

    def __iter__(self) -> Iterator[str]:
        return iter(self._tasks)

    def __len__(self) -> int:
        return len(self._tasks)

    def __repr__(self) -> str:
        where = f", path={str(self.path)!r}" if self.path else ""
        return (
            f"Dataset(name={self.name!r}, version={self.version!r}, format={self.format!r}, "
            f"tasks={len(self)}{where})"
        )

    @property
    def tasks(self) -> list[Task]:
        """The tasks in file order."""
        return list(self._tasks.values())

    def write(self, path: str | os.PathLike[str], **header: Any) -> Path:
        """Write this dataset as perfcount JSONL (see :func:`write_dataset`)."""
        return write_dataset(self, path, **header)


# ---------------------------------------------------------------- reading


def read_dataset(
    path: str | os.PathLike[str], *, name: str | None = None, evalperf_inputs: str = "first"
) -> Dataset:
    """Read one perfcount or EvalPerf JSONL file (``.gz`` too).

    ``evalperf_inputs`` applies to rows in EvalPerf's layout (a file without a
    header): ``"first"`` keeps ``pe_input[0]`` only, as EvalPerf profiles,
    ``"all"`` keeps every input. See the module docstring.
    """
    _check_evalperf_inputs(evalperf_inputs)
    p = Path(path)
    where = str(path)
    if p.is_dir():
        raise DatasetError(
            "is a directory, not a dataset file",
            path=where,
            hint="a folder of task folders is a curation pool; "
            "run `python -m perfcount curate DIR -o dataset.jsonl` first",
        )
    header: dict[str, Any] | None = None
    tasks: dict[str, Task] = {}
    first_line: dict[str, int] = {}
    seen_content = False
    for lineno, row in iter_jsonl(p, "dataset file"):
        if isinstance(row, dict) and "format" in row and "task_id" not in row:
            if seen_content:
                raise DatasetError(
                    "a header object must be the first line", path=where, line=lineno
                )
            header = _check_header(row, where, lineno)
            seen_content = True
            continue
        seen_content = True
        task = _task_from_row(
            row, where, lineno, evalperf=header is None, evalperf_inputs=evalperf_inputs
        )
        if task.task_id in tasks:
            raise DatasetError(
                f"duplicate task_id {task.task_id!r} (first on line {first_line[task.task_id]})",
                path=where,
                line=lineno,
                field="task_id",
            )
        tasks[task.task_id] = task
        first_line[task.task_id] = lineno
    if not seen_content:
        raise DatasetError("empty dataset file (no header and no tasks)", path=where)
    stem = p.name.split(".")[0]
    if header is None:
        return Dataset(
            tasks.values(),
            name=name or stem,
            version="",
            format=EVALPERF_FORMAT,
            format_version=None,
            path=p,
        )
    return Dataset(
        tasks.values(),
        name=name or str(header.get("name") or stem),
        version=str(header.get("version") or ""),
        format=FORMAT,
        format_version=header["format_version"],
        path=p,
        header=header,
    )


def _check_header(row: dict[str, Any], where: str, lineno: int) -> dict[str, Any]:
    fmt = row.get("format")
    if fmt != FORMAT:
        raise DatasetError(
            f"unknown format {fmt!r}; expected {FORMAT!r}", path=where, line=lineno, field="format"
        )
    version = row.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DatasetError(
            f"must be a positive integer, got {version!r}",
            path=where,
            line=lineno,
            field="format_version",
        )
    if version > FORMAT_VERSION:
        raise DatasetError(
            f"{version} is newer than this perfcount reads ({FORMAT_VERSION})",
            path=where,
            line=lineno,
            field="format_version",
            hint="upgrade perfcount",
        )
    return dict(row)


# ---------------------------------------------------------------- built-in names


def _dataset_dirs() -> list[Path]:
    """Where built-in datasets live: every ``_datasets/`` on the package path,
    then ``datasets/`` of a source checkout."""
    import perfcount

    dirs: list[Path] = []
    for entry in list(getattr(perfcount, "__path__", [])):
        d = Path(entry) / "_datasets"
        if d.is_dir() and d not in dirs:
            dirs.append(d)
    repo = Path(perfcount.__file__).resolve().parent.parent
    if (repo / "pyproject.toml").is_file() and (repo / "datasets").is_dir():
        dirs.append(repo / "datasets")
    return dirs


def available_datasets() -> dict[str, Path]:
    """Built-in dataset names -> file (the first directory that has a name wins)."""
    found: dict[str, Path] = {}
    for d in _dataset_dirs():
        for f in sorted(d.glob("*.jsonl")) + sorted(d.glob("*.jsonl.gz")):
            found.setdefault(f.name.split(".")[0], f)
    return found


def _looks_like_path(text: str) -> bool:
    return os.sep in text or "/" in text or text.endswith((".jsonl", ".json", ".gz"))


def load_dataset(
    name_or_path: str | os.PathLike[str], *, split: str = "test", evalperf_inputs: str = "first"
) -> Dataset:
    """Load a dataset by built-in name, file path, or ``hf:ORG/NAME``.

    - a path to perfcount JSONL (header line) or EvalPerf JSONL (no header);
    - a built-in name such as ``"perfcount-py"`` (see :func:`available_datasets`);
    - ``"hf:ORG/NAME"`` (e.g. ``"hf:evalplus/evalperf"``) through the optional
      ``datasets`` package, ``split`` selecting the split.

    Rows in EvalPerf's layout (no header, or ``hf:``) keep only ``pe_input[0]``
    for profiling, as EvalPerf does; ``evalperf_inputs="all"`` keeps them all
    (the number dropped is in ``task.extra["pe_input_dropped"]``). ``Mbpp/N``
    rows get EvalPlus's input rule (docs/evalplus.md).
    """
    _check_evalperf_inputs(evalperf_inputs)
    if isinstance(name_or_path, os.PathLike):
        return read_dataset(name_or_path, evalperf_inputs=evalperf_inputs)
    if not isinstance(name_or_path, str) or not name_or_path:
        raise DatasetError(f"expected a dataset name or path, got {name_or_path!r}")
    text = name_or_path
    if text.startswith("hf:"):
        return _load_hf(text[3:], split, evalperf_inputs)
    if os.path.exists(text) or _looks_like_path(text):
        return read_dataset(text, evalperf_inputs=evalperf_inputs)
    builtin = available_datasets()
    if text in builtin:
        return read_dataset(builtin[text], name=text, evalperf_inputs=evalperf_inputs)
    close = difflib.get_close_matches(text, list(builtin), n=3, cutoff=0.5)
    listing = ", ".join(sorted(builtin)) or "none installed"
    hint = f"did you mean {', '.join(map(repr, close))}? " if close else ""
    raise DatasetError(
        f"unknown dataset {text!r} (built-in: {listing})",
        hint=hint + "pass a path to a .jsonl file, a built-in name, or hf:ORG/NAME",
    )


def _load_hf(repo: str, split: str, evalperf_inputs: str) -> Dataset:
    where = f"hf:{repo}"
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise DatasetError(f"{where}: expected hf:ORG/NAME, e.g. hf:evalplus/evalperf")
    try:
        hf = importlib.import_module("datasets")
    except ImportError:
        hf = None
    if hf is None or not hasattr(hf, "load_dataset"):
        # a `datasets/` folder in the working directory can shadow the package
        raise DatasetError(
            f"{where}: loading from the Hugging Face hub needs the optional 'datasets' package",
            hint="pip install datasets, or download the JSONL and pass its path",
        )
    try:
        data = hf.load_dataset(repo, split=split)
        rows = data.to_list() if hasattr(data, "to_list") else list(data)
    except Exception as exc:  # network, auth, unknown repo or split: all end here
        raise DatasetError(
            f"{where}: could not load split {split!r} ({type(exc).__name__}: {exc})",
            hint="check the name and the network; offline, download the JSONL and pass its path",
        ) from None
    tasks: dict[str, Task] = {}
    for i, row in enumerate(rows, 1):
        task = _task_from_row(row, where, i, evalperf=True, evalperf_inputs=evalperf_inputs)
        if task.task_id in tasks:
            raise DatasetError(
                f"duplicate task_id {task.task_id!r}", path=where, line=i, field="task_id"
            )
        tasks[task.task_id] = task
    return Dataset(
        tasks.values(),
        name=repo.split("/")[1],
        version="",
        format=EVALPERF_FORMAT,
        format_version=None,
        path=None,
        header={"source": where, "split": split},
    )


# ---------------------------------------------------------------- writing


def write_dataset(
    dataset_or_tasks: Dataset | Mapping[str, Task] | Iterable[Task],
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    version: str | None = None,
    **header: Any,
) -> Path:
    """Write perfcount JSONL: a header line, then one task per line.

    The header carries ``format``, ``format_version``, ``name``, ``version``,
    ``created`` (kept from the dataset if it has one, else now, UTC),
    ``backend`` (when every task's curation names the same one) and any
    extra ``header`` keywords. The file is replaced atomically; reading it back
    gives equal tasks.
    """
    ds = dataset_or_tasks if isinstance(dataset_or_tasks, Dataset) else Dataset(dataset_or_tasks)
    head: dict[str, Any] = dict(ds.header)
    head.update(header)
    for key in ("format", "format_version", "source", "split"):
        head.pop(key, None)
    if head.get("backend") is None:
        backends = {t.curation.get("backend") for t in ds.values()}
        head["backend"] = backends.pop() if len(backends) == 1 else None
    out: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name if name is not None else (head.pop("name", None) or ds.name),
        "version": version if version is not None else (head.pop("version", None) or ds.version),
        "created": head.pop("created", None)
        or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    head.pop("name", None)
    head.pop("version", None)
    if head.get("backend") is None:
        head.pop("backend", None)
    out.update(head)

    target = Path(path)
    lines = [json.dumps(out, ensure_ascii=False, allow_nan=False)]
    for task in ds.values():
        try:
            lines.append(json.dumps(task.to_dict(), ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise DatasetError(
                f"task {task.task_id!r} is not JSON-serialisable ({exc})",
                path=str(target),
                hint="store inputs/outputs with perfcount._util.plain.encode",
            ) from None
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if target.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    return write_atomic(target, data)
