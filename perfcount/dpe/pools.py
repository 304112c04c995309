"""Task folders -> curation pool rows.

A pool may be kept as a directory with one folder per task, which is easier to
write and review than JSONL with embedded source::

    <task_id>/
      task.json        entry_point, signature, family, difficulty, atol, rtol, trusted
      README.md        the task description (becomes ``description``)
      inputs.py        test_inputs() -> list of argument lists (correctness)
                       perf_input_gen(scale) -> list of argument lists (workload)
      tests.json       {"inputs": [...], "expected": [...]} in perfcount._util.plain encoding,
                       expected outputs computed from the trusted solution
      solutions/*.py   each defines the entry point; names say what they do

``load_pool_dir`` returns rows in the curation input format of DESIGN.md.
"""

from __future__ import annotations

import json
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

__all__ = ["load_pool_dir", "load_task_dir"]

_REQUIRED = ("entry_point",)


def load_task_dir(path: str | Path) -> dict[str, Any]:
    """One task folder -> one pool row (see module docstring for the layout)."""
    folder = Path(path)
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
    for key in _REQUIRED:
        if key not in meta:
            raise DatasetError("missing required field", path=str(meta_path), field=key)
    solutions_dir = folder / "solutions"
    files = sorted(solutions_dir.glob("*.py")) if solutions_dir.is_dir() else []
    if not files:
        raise DatasetError("no solutions/*.py", path=str(folder))
    inputs_py = folder / "inputs.py"
    if not inputs_py.is_file():
        raise DatasetError("missing inputs.py (test_inputs and perf_input_gen)", path=str(folder))
    readme = folder / "README.md"
    row: dict[str, Any] = {
        "task_id": meta.get("task_id", folder.name),
        "entry_point": meta["entry_point"],
        "description": _read_text(readme).strip()
        if readme.is_file()
        else meta.get("description", ""),
        "solutions": [_read_text(f) for f in files],
        "solution_names": [f.stem for f in files],
        "input_generator": _read_text(inputs_py),
    }
    for key in ("signature", "family", "difficulty", "atol", "rtol", "trusted", "scale"):
        if key in meta:
            row[key] = meta[key]
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
    return row


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


def load_pool_dir(path: str | Path) -> list[dict[str, Any]]:
    """Every task folder under ``path`` (folders holding a task.json), sorted by name."""
    root = Path(path)
    if not root.is_dir():
        raise DatasetError("not a directory", path=str(root))
    rows = [load_task_dir(p.parent) for p in sorted(root.glob("*/task.json"))]
    if not rows:
        raise DatasetError("no task folders (*/task.json) found", path=str(root))
    return rows


# --------------------------------------------------------------------------
# command pools (curation input)

_POOL_KEYS = {
    "task_id",
    "entry_point",
    "language",
    "build",
    "run",
    "compare",
    "build_timeout",
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
    "baseline",
    "expert",
    "family",
    "difficulty",
    "prompt",
}


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

    def bad(message: str, fld: str | None = None, hint: str = "") -> DatasetError:
        return DatasetError(message, path=path, line=line, field=fld, hint=hint)

    if not isinstance(row, dict):
        raise bad(f"a pool row must be a JSON object, not {type(row).__name__}")
    out = dict(row)
    if not isinstance(row.get("task_id"), str) or not row["task_id"]:
        raise bad("missing or not a non-empty string", "task_id")
    try:
        spec = CommandSpec.create(
            row.get("language", ""),
            run=row.get("run"),
            build=row.get("build", "default"),
            compare=row.get("compare", "whitespace"),
            atol=row.get("atol", 0.0),
            rtol=row.get("rtol", 0.0),
            build_timeout=row.get("build_timeout", DEFAULT_BUILD_TIMEOUT),
        )
    except InvalidArgument as exc:
        raise bad(str(exc), None, exc.hint) from None
    out["language"] = spec.language
    solutions = row.get("solutions")
    if (
        not isinstance(solutions, list)
        or not solutions
        or not all(isinstance(s, str) for s in solutions)
    ):
        raise bad("must be a non-empty list of source strings", "solutions")
    names = row.get("solution_names") or [f"solution_{i + 1:02d}" for i in range(len(solutions))]
    if len(names) != len(solutions) or len(set(names)) != len(names):
        raise bad("must be unique names, one per solution", "solution_names")
    out["solution_names"] = list(names)
    if "pe_input" not in row and "input_generator" not in row:
        raise bad("needs pe_input (a list of inputs) or input_generator", "pe_input")
    for key in ("pe_input", "tests"):
        if key in row:
            if not isinstance(row[key], list) or not row[key]:
                raise bad("must be a non-empty list of inputs", key)
            for i, item in enumerate(row[key]):
                try:
                    parse_input(plain.decode(item), f"{key}[{i}]")
                except InvalidArgument as exc:
                    raise bad(str(exc), key, exc.hint) from None
    if "expected" in row:
        exp = row["expected"]
        if "tests" not in row:
            raise bad("given without tests", "expected")
        if not isinstance(exp, list) or len(exp) != len(row["tests"]):
            raise bad(f"must hold one stdout string per test ({len(row['tests'])})", "expected")
    if "input_generator" in row and "pe_input" not in row:
        gen = row["input_generator"]
        if not isinstance(gen, str) or "perf_input_gen" not in gen:
            raise bad("must be source text defining perf_input_gen(scale)", "input_generator")
    scale = row.get("scale")
    if scale is not None and (type(scale) is not int or scale < 1):
        raise bad("must be a positive integer", "scale")
    by_name = dict(zip(out["solution_names"], solutions))
    for key in ("trusted", "baseline", "expert"):
        value = row.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise bad("must be a solution name or source text", key)
        stem = Path(value).stem if "\n" not in value else value
        if key == "trusted":
            if stem not in by_name:
                raise bad(f"{value!r} is not one of the solution names", key)
            out[key] = stem
    out["command"] = True
    out.setdefault("entry_point", "")
    return out


def anchor_source(row: Mapping[str, Any], key: str) -> str | None:
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


def load_command_task_dir(path: str | os.PathLike[str]) -> dict[str, Any]:
    """One command task folder -> a validated command pool row.

    Layout::

        <task_id>/
          task.json      language, run, build, compare, atol, rtol, scale,
                         trusted, baseline, expert (solution file names)
          README.md      the task description
          inputs.py      test_inputs() -> list of inputs (optional),
                         perf_input_gen(scale) -> list of inputs
          tests.json     {"inputs": [...], "expected": [stdout, ...]} (optional)
          solutions/*    sources in the task's language (e.g. *.c, *.cpp)
    """
    folder = Path(path)
    meta_path = folder / "task.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError("missing task.json", path=str(folder)) from None
    except json.JSONDecodeError as exc:
        raise DatasetError(f"bad JSON: {exc.msg}", path=str(meta_path), line=exc.lineno) from None
    if not isinstance(meta, dict):
        raise DatasetError("task.json must hold an object", path=str(meta_path))
    language = meta.get("language")
    if not isinstance(language, str):
        raise DatasetError("missing language", path=str(meta_path), field="language")
    lang = LANGUAGE_ALIASES.get(language.lower(), language.lower())
    exts = {e for e, lng in SOURCE_EXTENSIONS.items() if lng == lang}
    sol_dir = folder / "solutions"
    files = sorted(
        f for f in (sol_dir.iterdir() if sol_dir.is_dir() else []) if f.suffix in exts
    ) or sorted(f for f in (sol_dir.iterdir() if sol_dir.is_dir() else []) if f.is_file())
    if not files:
        raise DatasetError(f"no solutions/*{'/'.join(sorted(exts))} files", path=str(folder))
    inputs_py = folder / "inputs.py"
    if not inputs_py.is_file():
        raise DatasetError("missing inputs.py (perf_input_gen(scale))", path=str(folder))
    readme = folder / "README.md"
    row: dict[str, Any] = {
        "task_id": meta.get("task_id", folder.name),
        "language": language,
        "description": readme.read_text(encoding="utf-8").strip() if readme.is_file() else "",
        "solutions": [f.read_text(encoding="utf-8") for f in files],
        "solution_names": [f.stem for f in files],
        "input_generator": inputs_py.read_text(encoding="utf-8"),
    }
    for key in (
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
    ):
        if key in meta:
            row[key] = meta[key]
    if "run" not in row:
        row["run"] = LANGUAGES.get(lang, {}).get("run", ["{bin}"])
    tests_json = folder / "tests.json"
    if tests_json.is_file():
        tests = json.loads(tests_json.read_text(encoding="utf-8"))
        row["tests"] = tests["inputs"]
        if "expected" in tests:
            row["expected"] = tests["expected"]
    else:
        ns: dict[str, Any] = {"__name__": f"perfcount_inputs_{row['task_id']}"}
        exec(compile(row["input_generator"], str(inputs_py), "exec"), ns)
        if callable(ns.get("test_inputs")):
            row["tests"] = plain.encode(list(ns["test_inputs"]()))
    return validate_command_row(row, path=str(folder))


def is_command_pool_dir(path: str | os.PathLike[str]) -> bool:
    """Whether a pool folder holds command tasks (a task.json with ``run`` or a
    non-Python ``language``)."""
    for meta_path in sorted(Path(path).glob("*/task.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # JSON or UTF-8 errors: load_pool_dir reports them
            continue
        if isinstance(meta, dict) and (
            "run" in meta or meta.get("language", "python") not in ("python", "py")
        ):
            return True
    return False


def load_command_pool_dir(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every command task folder under ``path``, sorted by name."""
    root = Path(path)
    rows = [load_command_task_dir(p.parent) for p in sorted(root.glob("*/task.json"))]
    if not rows:
        raise DatasetError("no task folders (*/task.json) found", path=str(root))
    return rows
