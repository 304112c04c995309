"""The layering contract of docs/design.md: imports (inside functions too) only point down.

import-linter's ``layers`` contract in pyproject.toml is the rule; these tests
run it on the package and show that it breaks on an upward import hidden in a
function, so a green run means something.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("importlinter", reason="pip install import-linter (in the [test] extra)")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", code, "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_tree(tmp_path: Path) -> Path:
    dst = tmp_path / "src"
    shutil.copytree(
        ROOT / "perfcount",
        dst / "perfcount",
        ignore=shutil.ignore_patterns("*.so", "__pycache__", "_datasets"),
    )
    shutil.copy(ROOT / "pyproject.toml", dst / "pyproject.toml")
    return dst


def test_the_package_keeps_its_layers(tmp_path: Path) -> None:
    res = _lint(_copy_tree(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 kept, 0 broken" in res.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("dpe/scoring.py", "perfcount.report"),  # data -> rendering
        ("counters/region.py", "perfcount.execute.runner"),  # measure -> execute
        ("dpe/datasets.py", "perfcount.counters.host"),  # the two pure siblings are independent
        ("execute/runner.py", "perfcount.pipeline.evaluation"),
    ],
)
def test_an_upward_import_inside_a_function_breaks_the_contract(
    tmp_path: Path, module: str, upward: str
) -> None:
    src = _copy_tree(tmp_path)
    target = src / "perfcount" / module
    target.write_text(
        target.read_text() + f"\n\ndef _sneaky() -> None:\n    import {upward}  # noqa: F401\n"
    )
    res = _lint(src)
    assert res.returncode != 0, res.stdout
    assert "BROKEN" in res.stdout and upward in res.stdout
