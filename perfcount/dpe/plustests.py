"""HumanEval+ / MBPP+ tests as EvalPlus distributes them, and EvalPlus's way of comparing outputs.

EvalPlus's ``evalperf`` lets a sample through to profiling only when it is
correct on the task's HumanEval+ / MBPP+ **base and plus inputs**, compared
with the outputs of the task's canonical solution (``evalplus.evalperf.
correctness_check``). This module is the pure part of that gate in perfcount:

- :func:`load_plus_tests` reads EvalPlus's files (``HumanEvalPlus*.jsonl`` and
  ``MbppPlus*.jsonl``, optionally ``.gz``; a path may be one file or a folder
  holding one of each) into :class:`PlusTests`, a mapping task id →
  :class:`PlusTask`. Every bad row is a ``DatasetError`` at ``file:line:
  field``.
- :meth:`PlusTask.for_input_rule` applies the task's MBPP input rule
  (:mod:`perfcount.dpe.evalplus`) to the inputs, as EvalPlus's
  ``get_mbpp_plus`` applies ``mbpp_deserialize_inputs`` to ``base_input`` and
  ``plus_input``.
- :class:`Comparison` is EvalPlus's comparison of one output with the expected
  one (``evalplus.eval.unsafe_execute``), with its special oracles
  (:data:`ORACLES`), stored per task as :attr:`PlusTask.oracle`.

Running the canonical solution and the candidates happens in
:mod:`perfcount.pipeline.evaluation` (the runner's ``check`` mode); only plain
data crosses into this module.

**The comparison** (EvalPlus 0.3.1, per input, in input order, stopping at the
first failure):

1. ``exact = out == exp`` (Python equality: ``1 == 1.0``, a tuple never equals a
   list), then the task's oracle may change it (list below).
2. If the task's ``atol`` is 0 and ``exp`` is a float, or a non-empty list or
   tuple of floats only, ``atol`` becomes ``1e-6`` — and **stays** ``1e-6``
   for the rest of this sample's inputs (EvalPlus reassigns its loop variable;
   reproduced).
3. Passed if ``exact``. Otherwise, with ``atol`` still 0: failed. Otherwise
   ``out`` must have exactly ``exp``'s type, a list or tuple the same length,
   and ``numpy.allclose(out, exp, rtol=1e-07, atol=atol)`` must hold, i.e.
   ``|out - exp| <= atol + 1e-07 * |exp|`` element-wise, NaN never close. An
   error while comparing (``set()`` of a list of lists, ``allclose`` of
   strings) fails the input.

**Oracles** (EvalPlus picks them by the entry point's name within HumanEval or
MBPP, the task id's prefix; so does :func:`oracle_for`). What ``exact`` becomes:

- ``exact`` (every other task): ``out == exp``.
- ``evalplus:find_zero`` (HumanEval/32 ``find_zero``): ``abs(poly(xs, out)) <=
  atol``, and nothing else is checked.
- ``evalplus:set_eq`` (Mbpp/2 7 111 140 232 249 579 769): ``set(out) == set(exp)``.
- ``evalplus:not_none`` (``check_str``, ``text_match_three``,
  ``text_starta_endb``, whose outputs are ``re.Match`` objects, not data):
  ``exp`` is "the canonical output is not None"; a bool ``out`` must equal it,
  any other ``out`` must be not None exactly when it is. Since a Match object
  cannot leave the sandbox, both programs are wrapped to return that bool
  there (:meth:`PlusTask.expected_program`, :meth:`PlusTask.candidate_program`).
- ``evalplus:always_true`` (Mbpp/164 ``are_equivalent``): true, any returned
  value passes.
- ``evalplus:or_zero`` (Mbpp/295 ``sum_div``): ``out == exp or out == 0``.
- ``evalplus:surface_area`` (Mbpp/581 ``surface_Area``): ``out == exp``, or
  ``out`` within ``atol`` of ``round(b**2 + 4*(b*s)/2)``, ``s = sqrt((b/2)**2 + h**2)``.
- ``evalplus:digit_distance`` (Mbpp/558 ``digit_distance_nums``): ``out ==
  exp``, or the sum of the digit differences of the two numbers zero-padded to
  one length.

(``poly(xs, x) = Σ xs[i]·x**i``, summed left to right with ``math.pow``.)
"""

from __future__ import annotations

import ast
import hashlib
import math
import os
import re
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from perfcount._util import plain
from perfcount._util.jsonl import open_binary, parse_line
from perfcount.errors import DatasetError, InvalidArgument

__all__ = [
    "DEFAULT_ORACLE",
    "FILE_PREFIXES",
    "FLOAT_ATOL",
    "ORACLES",
    "RTOL",
    "Comparison",
    "Oracle",
    "PlusFile",
    "PlusTask",
    "PlusTests",
    "chunks",
    "family_of",
    "is_plus_file",
    "load_plus_tests",
    "oracle_for",
    "plus_files",
    "short_repr",
    "stored_expected",
]

#: how EvalPlus's files are named: ``HumanEvalPlus[-Mini|-NoExtreme][-vX].jsonl[.gz]``,
#: ``MbppPlus…`` alike
FILE_PREFIXES = ("HumanEvalPlus", "MbppPlus")
#: EvalPlus's float tolerance when a task's atol is 0 and the expected output is a float
FLOAT_ATOL = 1e-6
#: EvalPlus's rtol (``np.allclose(..., rtol=1e-07)``, np.testing.assert_allclose's default)
RTOL = 1e-07
DEFAULT_ORACLE = "exact"

_RELEASES = (
    "EvalPlus's releases: https://github.com/evalplus/humanevalplus_release/releases and "
    "https://github.com/evalplus/mbppplus_release/releases (EvalPerf uses the -NoExtreme files)"
)
_ROW_HINT = (
    "a HumanEval+/MBPP+ row has task_id, prompt, entry_point, canonical_solution, "
    "base_input, plus_input and atol; use the files from " + _RELEASES
)


# ------------------------------------------------------------------ oracles


@dataclass(frozen=True)
class Oracle:
    """One special oracle: its id, the benchmark (task id prefix, lower case) and entry
    points EvalPlus selects it by, the tasks that have them, and what it checks."""

    id: str
    family: str
    entry_points: tuple[str, ...]
    tasks: tuple[str, ...]
    doc: str


ORACLES: dict[str, Oracle] = {
    o.id: o
    for o in (
        Oracle(
            "evalplus:find_zero",
            "humaneval",
            ("find_zero",),
            ("HumanEval/32",),
            "the output is a zero of the polynomial: abs(poly(xs, out)) <= atol; "
            "nothing else is checked",
        ),
        Oracle(
            "evalplus:set_eq",
            "mbpp",
            (
                "similar_elements",
                "find_char_long",
                "common_in_nested_lists",
                "extract_singly",
                "larg_nnum",
                "intersection_array",
                "find_dissimilar",
                "Diff",
            ),
            tuple(f"Mbpp/{n}" for n in (2, 7, 111, 140, 232, 249, 579, 769)),
            "the outputs are equal as sets: set(out) == set(exp)",
        ),
        Oracle(
            "evalplus:not_none",
            "mbpp",
            ("check_str", "text_match_three", "text_starta_endb"),
            (),
            "only whether the output is None counts: the expected value is 'the canonical "
            "output is not None'; a bool output must equal it, any other output must be "
            "not None exactly when it is",
        ),
        Oracle(
            "evalplus:always_true",
            "mbpp",
            ("are_equivalent",),
            ("Mbpp/164",),
            "any returned value passes (only an exception fails)",
        ),
        Oracle(
            "evalplus:or_zero",
            "mbpp",
            ("sum_div",),
            ("Mbpp/295",),
            "the expected output, or 0",
        ),
        Oracle(
            "evalplus:surface_area",
            "mbpp",
            ("surface_Area",),
            ("Mbpp/581",),
            "the expected output, or within atol of the square pyramid's area with the "
            "height taken as perpendicular: round(b**2 + 2*b*sqrt((b/2)**2 + h**2))",
        ),
        Oracle(
            "evalplus:digit_distance",
            "mbpp",
            ("digit_distance_nums",),
            ("Mbpp/558",),
            "the expected output, or the sum of the digit differences of the two numbers "
            "zero-padded to the same length",
        ),
    )
}
_BY_ENTRY: dict[tuple[str, str], str] = {
    (o.family, ep): o.id for o in ORACLES.values() for ep in o.entry_points
}


def family_of(task_id: str) -> str:
    """``"humaneval"``, ``"mbpp"`` or another lower-case prefix of the task id (as EvalPerf
    picks its ``dataset``: ``task_id.split("/")[0].lower()``)."""
    return task_id.split("/")[0].lower()


def oracle_for(task_id: str, entry_point: str) -> str:
    """The oracle EvalPlus uses for this task (by benchmark and entry point), else ``"exact"``."""
    return _BY_ENTRY.get((family_of(task_id), entry_point), DEFAULT_ORACLE)


def _check_oracle(oracle: str) -> str:
    if oracle != DEFAULT_ORACLE and oracle not in ORACLES:
        raise InvalidArgument(
            f"unknown oracle {oracle!r}", hint="oracles: " + ", ".join([DEFAULT_ORACLE, *ORACLES])
        )
    return oracle


def _poly(xs: Sequence[Any], x: Any) -> Any:
    total: Any = 0
    for i, coeff in enumerate(xs):
        total = total + coeff * math.pow(x, i)
    return total


def _pyramid_area(base: Any, height: Any) -> Any:
    slant = math.sqrt((base / 2) ** 2 + height**2)
    return round(base**2 + 4 * (base * slant) / 2)


def _digit_distance(a: Any, b: Any) -> int:
    x, y = str(a), str(b)
    width = max(len(x), len(y))
    return sum(abs(int(p) - int(q)) for p, q in zip(x.zfill(width), y.zfill(width)))


def _is_floats(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(v, float) for v in value)
    return False


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 60, 60, 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdict = 8


def short_repr(value: Any) -> str:
    """A short repr of a decoded value (built-in types only, so repr runs no foreign code)."""
    text = _REPR.repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


def stored_expected(oracle: str, output: Any) -> Any:
    """The expected value EvalPlus keeps for a (decoded) canonical output: for
    ``evalplus:not_none`` whether it is not None, else the output itself."""
    return output is not None if oracle == "evalplus:not_none" else output


class Comparison:
    """EvalPlus's check of one sample's outputs, input by input (see the module docstring).

    One object per sample run: ``atol`` can switch to :data:`FLOAT_ATOL` on the
    way and then stays, as in EvalPlus. :meth:`difference` takes decoded
    values (``args`` the input's argument list, for the oracles that need it;
    ``expected`` as :func:`stored_expected` gives it) and returns ``None`` when
    the output passes, else why not.
    """

    def __init__(self, oracle: str = DEFAULT_ORACLE, atol: float = 0.0) -> None:
        self.oracle = _check_oracle(oracle)
        self.atol = float(atol)

    def difference(self, args: Sequence[Any], got: Any, expected: Any) -> str | None:
        try:
            return self._difference(args, got, expected)
        except Exception as exc:  # the candidate's output cannot be compared: it fails
            why = f"{type(exc).__name__}: {exc}"
            return f"cannot compare with the expected {short_repr(expected)} ({why})"

    def _difference(self, args: Sequence[Any], got: Any, exp: Any) -> str | None:
        oracle = self.oracle
        if oracle == "evalplus:find_zero":
            value = abs(_poly(*args, got))
            if value <= self.atol:
                return None
            return f"got {short_repr(got)}, where |poly| = {value:.6g} > atol {self.atol:g}"
        exact = got == exp
        if oracle == "evalplus:always_true":
            exact = True
        elif oracle == "evalplus:or_zero":
            exact = exact or got == 0
        elif oracle == "evalplus:surface_area":
            exact = exact or abs(got - _pyramid_area(*args)) <= self.atol
        elif oracle == "evalplus:digit_distance":
            exact = exact or got == _digit_distance(*args)
        elif oracle == "evalplus:set_eq":
            exact = set(got) == set(exp)
        elif oracle == "evalplus:not_none":  # exp is already stored_expected()'s bool
            exact = got == exp if isinstance(got, bool) else exp == (got is not None)
        if self.atol == 0 and _is_floats(exp):
            self.atol = FLOAT_ATOL
        if exact:
            return None
        if self.atol == 0:
            note = " (outputs compared as 'is not None')" if oracle == "evalplus:not_none" else ""
            return f"got {short_repr(got)}, expected {short_repr(exp)}{note}"
        if type(got) is not type(exp):
            return (
                f"got a {type(got).__name__} {short_repr(got)}, "
                f"expected a {type(exp).__name__} {short_repr(exp)}"
            )
        if isinstance(exp, (list, tuple)) and len(got) != len(exp):
            return f"got {len(got)} items, expected {len(exp)}"
        if bool(np.allclose(got, exp, rtol=RTOL, atol=self.atol)):
            return None
        return (
            f"got {short_repr(got)}, expected {short_repr(exp)} "
            f"(not within atol {self.atol:g} + rtol {RTOL:g}·|expected|)"
        )


# ------------------------------------------------------------------ tasks and files


@dataclass(frozen=True)
class PlusFile:
    """One HumanEval+/MBPP+ file read: path, sha256 of its (decompressed) content, task count."""

    path: str
    sha256: str
    n_tasks: int

    def to_dict(self) -> dict[str, Any]:
        return {"file": Path(self.path).name, "sha256": self.sha256, "tasks": self.n_tasks}


@dataclass(frozen=True)
class PlusTask:
    """One task's base and plus tests.

    ``source`` is the program whose outputs are the expected ones (``prompt +
    canonical_solution``, as EvalPlus builds it for HumanEval+ and MBPP+
    alike); ``base_input``/``plus_input`` are plain-encoded argument lists
    (converted by ``input_rule`` once :meth:`for_input_rule` has been applied);
    ``oracle`` names the comparison (:data:`ORACLES`, default ``"exact"``);
    ``path``/``line``/``sha256`` say where it came from (the digest keys the
    cached expected outputs).
    """

    task_id: str
    entry_point: str
    source: str
    base_input: list[Any]
    plus_input: list[Any]
    atol: float = 0.0
    oracle: str = DEFAULT_ORACLE
    path: str = ""
    line: int = 0
    sha256: str = ""
    input_rule: str | None = None

    def __repr__(self) -> str:
        return (
            f"PlusTask({self.task_id!r}, entry_point={self.entry_point!r}, "
            f"base={len(self.base_input)}, plus={len(self.plus_input)}, oracle={self.oracle!r})"
        )

    def expected_program(self) -> tuple[str, str]:
        """``(source, entry point)`` whose outputs are the expected values: the canonical
        solution (for ``evalplus:not_none`` wrapped to return :func:`stored_expected`)."""
        if self.oracle == "evalplus:not_none":
            return self.source + _EXPECTED_NOT_NONE.format(entry=self.entry_point), _NOT_NONE
        return self.source, self.entry_point

    def candidate_program(self, source: str, entry_point: str) -> tuple[str, str]:
        """``(source, entry point)`` to check a candidate with: itself, or for
        ``evalplus:not_none`` wrapped so that a non-bool output becomes whether it is
        not None (what the comparison looks at; a Match object is not data)."""
        if self.oracle == "evalplus:not_none":
            return source + _CANDIDATE_NOT_NONE.format(entry=entry_point), _NOT_NONE
        return source, entry_point

    @property
    def inputs(self) -> list[Any]:
        """Base then plus inputs, plain-encoded (EvalPerf checks them in this order)."""
        return [*self.base_input, *self.plus_input]

    def label(self, index: int) -> str:
        """``"base input 3"`` / ``"plus input 7"`` for position ``index`` of :attr:`inputs`."""
        n = len(self.base_input)
        return f"base input {index}" if index < n else f"plus input {index - n}"

    def for_input_rule(self, rule_id: str | None) -> PlusTask:
        """The inputs converted by an MBPP input rule (:data:`perfcount.dpe.evalplus.RULES`).

        ``rule_id=None`` takes EvalPlus's rule for ``Mbpp/N`` (none for other
        tasks), as ``get_mbpp_plus`` does; pass the dataset task's
        ``input_rule`` when it has one. Rules are idempotent, so applying one
        twice is harmless. Inputs that do not fit raise ``DatasetError`` at the
        row's ``file:line``.
        """
        from perfcount.dpe.evalplus import RULES, rule_for_task

        if rule_id is None:
            found = rule_for_task(self.task_id)
            if found is None:
                return self
            rule_id = found.id
        rule = RULES.get(rule_id)
        if rule is None:
            raise InvalidArgument(
                f"unknown input rule {rule_id!r}", hint="known rules: " + ", ".join(RULES)
            )
        converted = {}
        for name in ("base_input", "plus_input"):
            out = []
            for i, args in enumerate(getattr(self, name)):
                try:
                    out.append(plain.encode(rule(plain.decode(args))))
                except (TypeError, ValueError, IndexError, plain.UnsupportedValue) as exc:
                    raise DatasetError(
                        f"{name}[{i}] does not fit input rule {rule_id} of {self.task_id} "
                        f"({type(exc).__name__}: {exc})",
                        path=self.path or None,
                        line=self.line or None,
                        field=name,
                        hint=rule.doc,
                    ) from None
            converted[name] = out
        return replace(self, input_rule=rule_id, **converted)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields (what a worker process receives)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlusTask:
        try:
            task = cls(**dict(data))
        except TypeError as exc:
            raise InvalidArgument(f"not a PlusTask's fields: {exc}") from None
        _check_oracle(task.oracle)
        return task


_NOT_NONE = "__perfcount_not_none__"
_EXPECTED_NOT_NONE = f"""

def {_NOT_NONE}(*args):
    return {{entry}}(*args) is not None
"""
_CANDIDATE_NOT_NONE = f"""

def {_NOT_NONE}(*args):
    out = {{entry}}(*args)
    return out if isinstance(out, bool) else out is not None
"""


class PlusTests(Mapping[str, PlusTask]):
    """HumanEval+/MBPP+ tasks by task id, and the files they were read from."""

    def __init__(self, tasks: Mapping[str, PlusTask], files: Sequence[PlusFile]) -> None:
        self._tasks = dict(tasks)
        self.files = tuple(files)

    def __getitem__(self, task_id: str) -> PlusTask:
        return self._tasks[task_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tasks)

    def __len__(self) -> int:
        return len(self._tasks)

    def __repr__(self) -> str:
        names = ", ".join(Path(f.path).name for f in self.files)
        return f"PlusTests({len(self)} tasks from {names})"

    def describe(self) -> list[dict[str, Any]]:
        """The files as the results header records them (name, sha256, number of tasks)."""
        return [f.to_dict() for f in self.files]


def is_plus_file(name: str) -> bool:
    """Whether a file name is EvalPlus's: ``HumanEvalPlus*.jsonl[.gz]`` or ``MbppPlus*…``."""
    return name.startswith(FILE_PREFIXES) and (
        name.endswith(".jsonl") or name.endswith(".jsonl.gz")
    )


def plus_files(path: str | os.PathLike[str]) -> list[Path]:
    """The HumanEval+/MBPP+ files ``path`` names: the file itself, or those in a folder.

    A folder must hold at least one, and at most one per benchmark (say
    which by passing the file when there are several, e.g. the full and the
    ``-NoExtreme`` variant).
    """
    p = Path(path)
    if p.is_dir():
        found = sorted(f for f in p.iterdir() if f.is_file() and is_plus_file(f.name))
        if not found:
            raise DatasetError(
                "no HumanEval+/MBPP+ file in this folder "
                "(HumanEvalPlus*.jsonl[.gz], MbppPlus*.jsonl[.gz])",
                path=str(p),
                hint="put EvalPlus's files there or pass a file; they are on " + _RELEASES,
            )
        for prefix in FILE_PREFIXES:
            same = [f.name for f in found if f.name.startswith(prefix)]
            if len(same) > 1:
                raise DatasetError(
                    f"several {prefix} files in this folder: {', '.join(same)}",
                    path=str(p),
                    hint=f"pass the one to use, e.g. --plus-tests {p / same[0]}",
                )
        return found
    if not p.exists():
        raise DatasetError(
            "HumanEval+/MBPP+ file not found", path=str(p), hint="get it from " + _RELEASES
        )
    return [p]


def load_plus_tests(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> PlusTests:
    """Read EvalPlus's HumanEval+/MBPP+ files (each path a file or a folder: :func:`plus_files`).

    Checks every row (``file:line: field: problem``), derives each task's
    oracle (:func:`oracle_for`) and refuses a task id given twice. Inputs are
    stored plain-encoded as read; apply the MBPP input rules with
    :meth:`PlusTask.for_input_rule`.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for p in paths:
        for f in plus_files(p):
            if f.resolve() not in {g.resolve() for g in files}:
                files.append(f)
    if not files:
        raise InvalidArgument("no HumanEval+/MBPP+ path given")
    tasks: dict[str, PlusTask] = {}
    read: list[PlusFile] = []
    for f in files:
        n = 0
        digest = _digest(f)
        for task in _read_file(f, digest):
            if task.task_id in tasks:
                first = tasks[task.task_id]
                raise DatasetError(
                    f"task {task.task_id!r} again (first at {first.path}:{first.line})",
                    path=task.path,
                    line=task.line,
                    field="task_id",
                    hint="pass each benchmark's file once (not the full and the -NoExtreme one)",
                )
            tasks[task.task_id] = task
            n += 1
        if n == 0:
            raise DatasetError("no tasks in this file", path=str(f), hint=_ROW_HINT)
        read.append(PlusFile(str(f), digest, n))
    return PlusTests(tasks, read)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open_binary(path, "HumanEval+/MBPP+ file") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_file(path: Path, digest: str) -> Iterator[PlusTask]:
    where = str(path)
    with open_binary(path, "HumanEval+/MBPP+ file") as fh:
        try:
            for lineno, raw in enumerate(fh, 1):
                if raw.strip():
                    yield _task_from_row(parse_line(raw, where, lineno), where, lineno, digest)
        except (OSError, EOFError) as exc:  # a corrupt .gz stream
            raise DatasetError(f"cannot read the file ({exc})", path=where) from None


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _task_from_row(row: Any, path: str, line: int, digest: str) -> PlusTask:
    def bad(field: str | None, msg: str) -> DatasetError:
        return DatasetError(msg, path=path, line=line, field=field, hint=_ROW_HINT)

    if not isinstance(row, dict):
        raise bad(None, f"a row must be a JSON object, not {type(row).__name__}")
    for key in ("task_id", "prompt", "entry_point", "canonical_solution"):
        if key not in row:
            raise bad(key, "missing required field")
        if not isinstance(row[key], str):
            raise bad(key, f"must be a string, not {type(row[key]).__name__}")
    task_id, entry_point = row["task_id"], row["entry_point"]
    if not task_id:
        raise bad("task_id", "must not be empty")
    if not _IDENT.fullmatch(entry_point):
        raise bad("entry_point", f"{entry_point!r} is not a function name")
    source = row["prompt"] + row["canonical_solution"]
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise bad(
            "canonical_solution",
            f"prompt + canonical_solution does not parse ({exc.msg}, line {exc.lineno})",
        ) from None
    lists = {}
    for key in ("base_input", "plus_input"):
        if key not in row:
            raise bad(key, "missing required field")
        value = row[key]
        if not isinstance(value, list):
            raise bad(key, f"must be a list of argument lists, not {type(value).__name__}")
        out = []
        for i, args in enumerate(value):
            if not isinstance(args, list):
                raise bad(key, f"{key}[{i}] must be an argument list, not {type(args).__name__}")
            try:
                out.append(plain.encode(args))
            except plain.UnsupportedValue as exc:
                raise bad(key, f"{key}[{i}]: {exc}") from None
        lists[key] = out
    if not lists["base_input"] and not lists["plus_input"]:
        raise bad("base_input", "no inputs at all (base_input and plus_input are empty)")
    atol = row.get("atol", 0)
    if atol is None:
        atol = 0
    if (
        isinstance(atol, bool)
        or not isinstance(atol, (int, float))
        or not (math.isfinite(atol) and atol >= 0)
    ):
        raise bad("atol", f"must be a finite number >= 0, got {atol!r}")
    return PlusTask(
        task_id=task_id,
        entry_point=entry_point,
        source=source,
        base_input=lists["base_input"],
        plus_input=lists["plus_input"],
        atol=float(atol),
        oracle=oracle_for(task_id, entry_point),
        path=path,
        line=line,
        sha256=digest,
    )


def chunks(
    inputs: Sequence[Any], *, max_inputs: int = 256, max_bytes: int = 8 << 20
) -> list[range]:
    """Consecutive index ranges of ``inputs`` (plain-encoded) of at most ``max_inputs``
    inputs and, unless one input alone is larger, ``max_bytes`` of JSON: how a long
    base+plus list is split into runs that stay within a run's limits."""
    if max_inputs < 1 or max_bytes < 1:
        raise InvalidArgument("max_inputs and max_bytes must be >= 1")
    out: list[range] = []
    start, size = 0, 0
    for i, args in enumerate(inputs):
        n = len(plain.canonical(args))
        if i > start and (i - start >= max_inputs or size + n > max_bytes):
            out.append(range(start, i))
            start, size = i, 0
        size += n
    if start < len(inputs):
        out.append(range(start, len(inputs)))
    return out
