"""Many measure() regions and runner candidates leave fds, threads, children and RSS flat.

The same measurements as ``benchmarks/leaks.py`` (which prints the numbers
for 10k regions and 1k candidates), with loose bounds: fds and threads
unchanged, no child process left once the runner is closed, RSS growth under
20 MiB for 10k regions and 200 candidates.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "leaks.py"


@pytest.fixture(scope="module")
def leaks():
    spec = importlib.util.spec_from_file_location("perfcount_bench_leaks", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_10k_measure_regions_leak_nothing(leaks) -> None:
    pytest.importorskip("perfcount._native")
    out = leaks.regions(10_000)
    g = out["growth"]
    assert g["fds"] == 0, out
    assert g["threads"] == 0 and g["py_threads"] == 0, out
    assert g["children"] == 0, out
    assert g["rss_kb"] < 20 * 1024, out


def test_200_runner_candidates_leak_nothing(leaks) -> None:
    # a first runner leaves the backend's probe counter open on purpose (opened once, reused)
    leaks.candidates(1)
    start = leaks.snapshot()
    out = leaks.candidates(200)
    g = out["growth"]
    assert g["fds"] == 0, out
    assert g["threads"] == 0, out
    # the fork server, its zygote and the placeholder pid 1 of its candidates' pid
    # namespace, nothing more
    assert g["children"] == 0, out
    assert out["after"]["children"] == start["children"] + 3, out
    assert g["rss_kb"] < 20 * 1024, out
    closed = out["closed"]
    assert closed["children"] == start["children"], out
    assert closed["fds"] == start["fds"], out
