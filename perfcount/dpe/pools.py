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
from pathlib import Path
from typing import Any

from perfcount.errors import DatasetError

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
