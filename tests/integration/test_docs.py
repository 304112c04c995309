"""Every ```python block of the user docs runs as written (each in a fresh folder).

The blocks see the repository's ``examples/`` and ``tests/data/`` through
symlinks in their working folder, as a user in a checkout would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("formats.md", "environment.md")
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def _blocks() -> list[tuple[str, int, str]]:
    out = []
    for name in DOCS:
        text = (ROOT / "docs" / name).read_text()
        for i, m in enumerate(_BLOCK.finditer(text)):
            out.append((name, i, m.group(1)))
    return out


@pytest.mark.parametrize(("doc", "index", "code"), _blocks(), ids=lambda v: str(v)[:20])
def test_doc_example_runs(tmp_path: Path, doc: str, index: int, code: str) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "data").symlink_to(ROOT / "tests" / "data")
    env = dict(os.environ, PERFCOUNT_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{doc} block {index}:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{doc} block {index} printed nothing"


def test_every_doc_has_examples() -> None:
    assert {d for d, _, _ in _blocks()} == set(DOCS)
