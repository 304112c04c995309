"""Curation pools: validating pool rows, and task folders -> pool rows.

A pool row is one task of a curation pool (docs/formats.md, "Pools"): its
solutions, how to call or run them, the tests and the workload. There are two
kinds of row, validated here: a **Python** row (:func:`validate_python_row`:
solutions define ``entry_point``) and a **command** row
(:func:`validate_command_row`: solutions are source files in ``language``,
built and run as programs). :func:`is_command_row` tells them apart.

A pool may be kept as a directory with one folder per task, which is easier to
write and review than JSONL with embedded source::

    <task_id>/
      task.json        entry_point (Python) or language/run/build/compare (commands),
                       signature, family, difficulty, atol, rtol, trusted, scale,
                       baseline, expert (solution names)
      README.md        the task description (becomes ``description``)
      inputs.py        test_inputs() -> list of inputs (correctness),
                       perf_input_gen(scale) -> list of inputs (workload)
      tests.json       {"inputs": [...], "expected": [...]} in perfcount._util.plain
                       encoding, expected outputs computed from the trusted solution
      solutions/*      Python files defining the entry point, or sources in the
                       task's language (e.g. *.c, *.cpp); names say what they do

:func:`load_task_dir` reads one folder of either kind, :func:`load_pool_dir`
every folder of a pool.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from perfcount._util import plain
from perfcount.dpe.commands import (
    DEFAULT_BUILD_TIMEOUT,
    LANGUAGE_ALIASES,
    LANGUAGES,
    SOURCE_EXTENSIONS,
    CommandSpec,
    parse_input,
)
from perfcount.errors import DatasetError, InvalidArgument

__all__ = [
    "anchor_source",
    "command_spec",
    "is_command_pool_dir",
    "is_command_row",
    "load_command_pool_dir",
    "load_command_task_dir",
    "load_pool_dir",
    "load_task_dir",
    "validate_command_row",
    "validate_python_row",
]

# task.json keys copied into a row as they are
_PYTHON_META = ("signature", "family", "difficulty", "atol", "rtol", "trusted", "scale")
_COMMAND_META = (
    "run",
    "build",
    "compare",
    "build_timeout",
    "atol",
    "rtol",
    "scale",
    "trusted",
    "baseline",
    "expert",
    "family",
    "difficulty",
)


# --------------------------------------------------------------------------
# rows


def is_command_row(row: Mapping[str, Any]) -> bool:
    """Whether a pool row's solutions are programs (``run`` given, or a language
    other than Python) rather than Python functions."""
    return bool(
        row.get("command")
        or row.get("run") is not None
        or row.get("language", "python") not in ("python", "py")
    )


def _error(path: str, line: int | None) -> Any:
    def bad(message: str, fld: str | None = None, hint: str = "") -> DatasetError:
        return DatasetError(message, path=path, line=line, field=fld, hint=hint)

    return bad


def _solution_names(row: Mapping[str, Any], bad: Any) -> list[str]:
    """The row's ``solution_names``, or ``solution_01`` ... when absent; checked."""
    solutions = row.get("solutions")
    if (
        not isinstance(solutions, list)
        or not solutions
        or not all(isinstance(s, str) for s in solutions)
    ):
        raise bad("missing or empty; give a list of solution source strings", "solutions")
    names = row.get("solution_names")
    if names is None:
        width = max(2, len(str(len(solutions))))
        return [f"solution_{i + 1:0{width}d}" for i in range(len(solutions))]
    if (
        not isinstance(names, list)
        or len(names) != len(solutions)
        or not all(isinstance(n, str) and n for n in names)
    ):
        raise bad("must be a list of non-empty strings, one per solution", "solution_names")
    if len(set(names)) != len(names):
        raise bad("solution names must be unique", "solution_names")
    return list(names)


def _check_common(row: Mapping[str, Any], out: dict[str, Any], bad: Any) -> None:
    """What both kinds of row share: the workload source, tests/expected, scale,
    tolerances, description and the trusted/baseline/expert solution names."""
    if "pe_input" not in row and "input_generator" not in row:
        raise bad(
            "needs either pe_input (a list of inputs) or input_generator "
            "(source defining perf_input_gen(scale))",
            "pe_input",
        )
    if "input_generator" in row and "pe_input" not in row:
        gen = row["input_generator"]
        if not isinstance(gen, str) or "perf_input_gen" not in gen:
            raise bad("must be source text defining perf_input_gen(scale)", "input_generator")
    if "expected" in row:
        if "tests" not in row:
            raise bad("given without tests", "expected")
        exp = row["expected"]
        if not isinstance(exp, list) or len(exp) != len(row["tests"]):
            raise bad(f"must be a list with one output per test ({len(row['tests'])})", "expected")
    for key in ("atol", "rtol"):
        value = row.get(key, 0)
        if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
            raise bad("must be a finite number >= 0", key)
    scale = row.get("scale")
    if scale is not None and (type(scale) is not int or scale < 1):
        raise bad("must be a positive integer", "scale")
    if "description" in row and not isinstance(row["description"], str):
        raise bad("must be a string", "description")
    names = out["solution_names"]
    for key in ("trusted", "baseline", "expert"):
        value = row.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise bad("must be a solution name or source text", key)
        if key != "trusted" and "\n" in value:
            continue  # an anchor given as source text
        stem = value if value in names else Path(value).stem
        if stem not in names:
            raise bad(f"{value!r} is not one of the solution names", key)
        if key == "trusted":
            out[key] = stem


def validate_python_row(
    row: Any, *, path: str = "<pool>", line: int | None = None
) -> dict[str, Any]:
    """Check one Python pool row and return a normalised copy.

    Raises ``DatasetError`` naming ``path:line: field`` and the problem. Fills
    ``solution_names`` (``solution_01`` ...) when absent; ``pe_input`` given as
    a JSON string (EvalPerf) is parsed.
    """
    bad = _error(path, line)
    if not isinstance(row, dict):
        raise bad(f"a pool row must be a JSON object, not {type(row).__name__}")
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
    out["solution_names"] = _solution_names(row, bad)
    if "pe_input" in row:
        pe = row["pe_input"]
        if isinstance(pe, str):  # EvalPerf stores pe_input as a JSON string
            try:
                pe = json.loads(pe)
            except json.JSONDecodeError as exc:
                raise bad(f"not valid JSON: {exc.msg}", "pe_input") from None
        if not _is_arg_lists(pe):
            raise bad("must be a non-empty list of argument lists", "pe_input")
        out["pe_input"] = pe
    if "tests" in row and not _is_arg_lists(row["tests"]):
        raise bad("must be a non-empty list of argument lists", "tests")
    _check_common(row, out, bad)
    return out


def _is_arg_lists(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(a, list) for a in value)


def validate_command_row(
    row: Any, *, path: str = "<pool>", line: int | None = None
) -> dict[str, Any]:
    """Check one command pool row and return a normalised copy (``command: True``).

    Fields: ``task_id``, ``language``, ``run`` (and optional ``build``,
    ``compare``, ``build_timeout``), ``solutions`` (sources) with optional
    ``solution_names``, ``pe_input`` or ``input_generator`` (source defining
    ``perf_input_gen(scale)`` returning a list of inputs), optional ``tests``
    / ``expected`` (stdout strings), ``atol``/``rtol``, ``scale``,
    ``trusted``, ``baseline``/``expert`` (solution names or sources).
    """
    bad = _error(path, line)
    if not isinstance(row, dict):
        raise bad(f"a pool row must be a JSON object, not {type(row).__name__}")
    out = dict(row)
    if not isinstance(row.get("task_id"), str) or not row["task_id"]:
        raise bad("missing or not a non-empty string", "task_id")
    try:
        spec = command_spec(row)
    except InvalidArgument as exc:
        raise bad(str(exc), None, exc.hint) from None
    out["language"] = spec.language
    out["solution_names"] = _solution_names(row, bad)
    for key in ("pe_input", "tests"):
        if key in row:
            if not isinstance(row[key], list) or not row[key]:
                raise bad("must be a non-empty list of inputs", key)
            for i, item in enumerate(row[key]):
                try:
                    parse_input(plain.decode(item), f"{key}[{i}]")
                except InvalidArgument as exc:
                    raise bad(str(exc), key, exc.hint) from None
    _check_common(row, out, bad)
    out["command"] = True
    out.setdefault("entry_point", "")
    return out


def command_spec(row: Mapping[str, Any]) -> CommandSpec:
    """How a command pool row's solutions are built, run and compared (language defaults
    filled in); ``InvalidArgument`` for a bad template or mode."""
    return CommandSpec.create(
        row.get("language", ""),
        run=row.get("run"),
        build=row.get("build", "default"),
        compare=row.get("compare", "whitespace"),
        atol=row.get("atol", 0.0),
        rtol=row.get("rtol", 0.0),
        build_timeout=row.get("build_timeout", DEFAULT_BUILD_TIMEOUT),
    )


def anchor_source(row: Mapping[str, Any], key: str) -> str | None:
    """The source of a row's ``baseline``/``expert`` (given as a solution name or as source)."""
    value = row.get(key)
    if value is None:
        return None
    if "\n" in value:
        return str(value)
    by_name = dict(zip(row["solution_names"], row["solutions"]))
    stem = Path(value).stem
    if stem not in by_name:
        raise DatasetError(
            f"{value!r} is neither a solution name nor source text",
            path=row["task_id"],
            field=key,
        )
    return by_name[stem]


# --------------------------------------------------------------------------
# task folders


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=str(path)
        ) from None
    except OSError as exc:
        raise DatasetError(f"cannot read ({exc.strerror})", path=str(path)) from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"bad JSON: {exc.msg}", path=str(path), line=exc.lineno) from None


def _meta(folder: Path) -> dict[str, Any]:
    meta_path = folder / "task.json"
    if not meta_path.is_file():
        raise DatasetError(
            "missing task.json", path=str(folder), hint="each task folder needs task.json"
        )
    meta = _read_json(meta_path)
    if not isinstance(meta, dict):
        raise DatasetError(
            f"must hold a JSON object, not {type(meta).__name__}", path=str(meta_path)
        )
    return meta


def _folder_row(
    folder: Path, meta: dict[str, Any], files: list[Path], keys: tuple[str, ...]
) -> dict[str, Any]:
    """What every task folder gives: id, description, solutions, generator, tests."""
    inputs_py = folder / "inputs.py"
    if not inputs_py.is_file():
        raise DatasetError("missing inputs.py (test_inputs and perf_input_gen)", path=str(folder))
    readme = folder / "README.md"
    row: dict[str, Any] = {
        "task_id": meta.get("task_id", folder.name),
        "description": _read_text(readme).strip()
        if readme.is_file()
        else meta.get("description", ""),
        "solutions": [_read_text(f) for f in files],
        "solution_names": [f.stem for f in files],
        "input_generator": _read_text(inputs_py),
    }
    row.update((key, meta[key]) for key in keys if key in meta)
    tests_json = folder / "tests.json"
    if tests_json.is_file():
        tests = _read_json(tests_json)
        if not isinstance(tests, dict) or "inputs" not in tests:
            raise DatasetError(
                'must hold a JSON object {"inputs": [...], "expected": [...]}',
                path=str(tests_json),
                field="inputs",
            )
        row["tests"] = tests["inputs"]
        if "expected" in tests:
            row["expected"] = tests["expected"]
    else:
        # no tests.json: the tests are test_inputs() of inputs.py, their expected outputs
        # come from the trusted (or first passing) solution at curation
        ns: dict[str, Any] = {"__name__": f"perfcount_inputs_{row['task_id']}"}
        try:
            exec(compile(row["input_generator"], str(inputs_py), "exec"), ns)
            if callable(ns.get("test_inputs")):
                row["tests"] = plain.encode(list(ns["test_inputs"]()))
        except Exception as exc:
            raise DatasetError(
                f"inputs.py failed while making the tests ({type(exc).__name__}: {exc})",
                path=str(inputs_py),
            ) from None
    return row


def load_task_dir(path: str | Path) -> dict[str, Any]:
    """One task folder -> one pool row (see the module docstring for the layout).

    A Python task's row is returned as read (validate it with
    :func:`validate_python_row`); a command task's is validated
    (:func:`load_command_task_dir`).
    """
    folder = Path(path)
    meta = _meta(folder)
    if is_command_row(meta):
        return load_command_task_dir(folder)
    if "entry_point" not in meta:
        raise DatasetError(
            "missing required field", path=str(folder / "task.json"), field="entry_point"
        )
    solutions_dir = folder / "solutions"
    files = sorted(solutions_dir.glob("*.py")) if solutions_dir.is_dir() else []
    if not files:
        raise DatasetError("no solutions/*.py", path=str(folder))
    row = _folder_row(folder, meta, files, _PYTHON_META)
    return {"task_id": row.pop("task_id"), "entry_point": meta["entry_point"], **row}


def load_command_task_dir(path: str | os.PathLike[str]) -> dict[str, Any]:
    """One command task folder -> a validated command pool row.

    ``task.json`` names the ``language`` (and ``run``, ``build``, ``compare``,
    ``atol``, ``rtol``, ``scale``, ``trusted``, ``baseline``, ``expert``);
    ``solutions/`` holds sources in that language. Without ``tests.json`` the
    tests are ``test_inputs()`` of ``inputs.py`` (expected outputs then come
    from the trusted solution at curation).
    """
    folder = Path(path)
    meta = _meta(folder)
    language = meta.get("language")
    if not isinstance(language, str):
        raise DatasetError("missing language", path=str(folder / "task.json"), field="language")
    lang = LANGUAGE_ALIASES.get(language.lower(), language.lower())
    exts = {e for e, lng in SOURCE_EXTENSIONS.items() if lng == lang}
    sol_dir = folder / "solutions"
    present = sorted(f for f in (sol_dir.iterdir() if sol_dir.is_dir() else []) if f.is_file())
    files = [f for f in present if f.suffix in exts] or present
    if not files:
        raise DatasetError(f"no solutions/*{'/'.join(sorted(exts))} files", path=str(folder))
    row = _folder_row(folder, meta, files, _COMMAND_META)
    row["language"] = language
    if "run" not in row:
        row["run"] = LANGUAGES.get(lang, {}).get("run", ["{bin}"])
    return validate_command_row(row, path=str(folder))


def _task_folders(path: str | os.PathLike[str]) -> list[Path]:
    root = Path(path)
    if not root.is_dir():
        raise DatasetError("not a directory", path=str(root))
    folders = [p.parent for p in sorted(root.glob("*/task.json"))]
    if not folders:
        raise DatasetError("no task folders (*/task.json) found", path=str(root))
    return folders


def load_pool_dir(path: str | Path) -> list[dict[str, Any]]:
    """Every task folder under ``path`` (folders holding a task.json), sorted by name."""
    return [load_task_dir(folder) for folder in _task_folders(path)]


def is_command_pool_dir(path: str | os.PathLike[str]) -> bool:
    """Whether a pool folder holds command tasks (a task.json with ``run`` or a
    non-Python ``language``)."""
    for meta_path in sorted(Path(path).glob("*/task.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # JSON or UTF-8 errors: load_pool_dir reports them
            continue
        if isinstance(meta, dict) and is_command_row(meta):
            return True
    return False


def load_command_pool_dir(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every command task folder under ``path``, sorted by name."""
    return [load_command_task_dir(folder) for folder in _task_folders(path)]
