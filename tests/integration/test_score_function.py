"""``score(function)`` sends the function with what its module gives it (imports, helpers)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import perfcount
from perfcount.pipeline.evaluation import solution_source

MODULE = """
from bisect import bisect_left
import heapq as hq

LIMIT = 3


def _first(xs):
    return hq.nsmallest(1, xs)[0] if xs else None


def lis(xs):
    tails = []
    for v in xs:
        i = bisect_left(tails, v)
        if i == len(tails):
            tails.append(v)
        else:
            tails[i] = v
    _first(tails)
    return len(tails) if LIMIT else 0
"""


def _load(tmp_path: Path):
    path = tmp_path / "user_solution.py"
    path.write_text(MODULE)
    spec = importlib.util.spec_from_file_location("user_solution", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["user_solution"] = module
    spec.loader.exec_module(module)
    return module


def test_the_source_of_a_function_carries_its_imports_and_helpers(tmp_path: Path) -> None:
    mod = _load(tmp_path)
    text = solution_source(mod.lis, "longest_increasing_subsequence")
    ns: dict = {}
    exec(compile(text, "<sent>", "exec"), ns)  # runs on its own: nothing is missing
    assert ns["longest_increasing_subsequence"]([3, 1, 2, 5, 4]) == 3
    assert "import heapq as hq" in text and "def _first" in text and "LIMIT = 3" in text


@pytest.mark.needs_valgrind
def test_score_a_function_that_uses_a_module_level_import(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(tmp_path / "cache"))
    mod = _load(tmp_path)
    r = perfcount.score(mod.lis, "longest_increasing_subsequence", backend="valgrind")
    assert r.passed and r.status == "ok", r.error
