"""Issue #14: no technique of the forgery corpus (tests/forgery/) may beat honest work.

Every file in ``tests/forgery/`` is a candidate for the shipped task
``kth_smallest``: ``honest_slow.py`` (insertion sort, DPS 0) and, one per
file, that solution plus a trick meant to make its cost look smaller
(callgrind client requests, work hidden in processes, threads, import time or
after the region, patched harness code, forged dumps and results, memoising,
a wide tie tolerance, a table of answers...). Each goes through
``perfcount.evaluate`` under ``valgrind``, ``qemu`` and ``software``, the corpus grouped
in one run per backend (one fork server, reference costs from the default
cache; ~5x faster than a ``score()`` call each), shared by the whole module.

A technique **beats honest** when its status is ``ok`` and its DPS is above
both the honest solution's in the same run and what honest work reaches by
noise on that backend (``benchmarks/forgery.py``: ``HONEST_NOISE``, measured:
0 under valgrind and qemu, the second reference's 18.2 under software). Only public
results are used (status, DPS), so the tests hold any version of the harness
to the same bar. Many of them fail on a harness that measures inside the
candidate's process: that is what they are for.

``python benchmarks/forgery.py`` prints the same runs as a table.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from perfcount.execute.sandbox import PIDS_ROOT

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "forgery.py"
CORPUS = ROOT / "tests" / "forgery"
HONEST = "honest_slow"
TECHNIQUES = sorted(p.stem for p in CORPUS.glob("*.py") if p.stem != HONEST and p.stem[0] != "_")
BACKENDS = [
    pytest.param("valgrind", marks=pytest.mark.needs_valgrind),
    pytest.param(
        "qemu",
        marks=pytest.mark.needs_qemu,
    ),
    "software",
    # where the valgrind on PATH is older than 3.22, PERFCOUNT_TEST_CACHEGRIND_VALGRIND names
    # a newer one for these runs (test_conformance)
    pytest.param("cachegrind", marks=pytest.mark.needs_valgrind),
]

pytestmark = [
    pytest.mark.slow,
    # the corpus is hostile code: it forks workers, writes where it can and patches what it
    # finds, so it runs only where the sandbox (own uid, read-only root, cgroups) holds it
    pytest.mark.skipif(
        os.geteuid() != 0 or not (PIDS_ROOT / "cgroup.procs").exists(),
        reason="the forgery corpus needs the full sandbox (root, cgroup v1 pids)",
    ),
]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("perfcount_bench_forgery", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def scored(bench) -> Callable[[str], dict[str, dict[str, Any]]]:
    """``scored(backend)``: every row of the corpus under ``backend``, run once per module."""
    runs: dict[str, dict[str, dict[str, Any]]] = {}

    def get(backend: str) -> dict[str, dict[str, Any]]:
        if backend not in runs:
            with pytest.MonkeyPatch.context() as mp:
                newer = os.environ.get("PERFCOUNT_TEST_CACHEGRIND_VALGRIND")
                if backend == "cachegrind" and newer:
                    mp.setenv("PERFCOUNT_VALGRIND", newer)
                if backend == "cachegrind":
                    from perfcount.counters.backends.cachegrind import CachegrindBackend

                    try:
                        CachegrindBackend().check_available()
                    except Exception as exc:  # any reason it cannot run here is a skip
                        pytest.skip(f"cachegrind cannot count here: {exc}")
                rows = bench.run_backend(backend, bench.load_corpus())
            bench.mark_winners(rows)
            runs[backend] = {r["technique"]: r for r in rows}
        return runs[backend]

    return get


def _honest_core() -> str:
    text = (CORPUS / f"{HONEST}.py").read_text()
    start = text.index("# -- the honest slow solution")
    return text[start : text.index("\ndef kth_smallest", start)].rstrip()


def test_corpus_is_large_documented_and_starts_from_the_honest_solution() -> None:
    assert len(TECHNIQUES) >= 16
    core = _honest_core()
    for name in [HONEST, *TECHNIQUES]:
        source = (CORPUS / f"{name}.py").read_text()
        tree = ast.parse(source)
        doc = ast.get_docstring(tree)
        assert doc, f"{name}.py needs a docstring saying what it does"
        targets = re.search(r"^Targets: (.+)$", doc, re.M)
        assert targets, f"{name}.py: its docstring needs a 'Targets:' line"
        if name != HONEST:
            named = {t.strip() for t in targets.group(1).split(",")}
            assert named and named <= {"valgrind", "software", "cachegrind"}, (name, named)
        assert core in source, f"{name}.py does not start from the honest slow solution"
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert "kth_smallest" in defined, f"{name}.py defines no kth_smallest"


@pytest.mark.parametrize("backend", BACKENDS)
def test_honest_slow_solution_scores_at_most_the_noise_ceiling(backend: str, bench, scored) -> None:
    row = scored(backend)[HONEST]
    assert row["status"] == "ok", row
    assert row["dps"] <= bench.noise_ceiling(backend), row
    if backend in ("valgrind", "qemu", "cachegrind"):  # deterministic: no noise to allow for
        assert row["dps"] == 0.0, row


#: techniques that win, stated in SECURITY.md, and the backends they win under: the
#: performance input is public and fixed (EvalPerf's ``pe_input``), so a table of its
#: answers is an honest-looking cheap solution on every backend; cachegrind does not log a
#: STOP/START pair, so machine code of the candidate's own pauses its count (cachegrind is
#: chosen by name only). The test holds them to the opposite: when a fix lands, it fails,
#: and the entry goes.
KNOWN_LIMITATIONS: dict[str, set[str]] = {
    "hardcoded_answer": {"valgrind", "qemu", "software", "cachegrind"},
    "raw_cachegrind_pause": {"cachegrind"},
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("technique", TECHNIQUES)
def test_forgery_does_not_beat_the_honest_solution(technique: str, backend: str, scored) -> None:
    runs = scored(backend)
    row, honest = runs[technique], runs[HONEST]
    if backend in KNOWN_LIMITATIONS.get(technique, ()):
        assert row["beats_honest"], f"{technique} no longer wins under {backend}: drop it"
        return
    assert not row["beats_honest"], (
        f"{technique} under {backend}: status {row['status']}, DPS {row['dps']}, cost "
        f"{row['cost']} {row['metric']} (honest: DPS {honest['dps']}, cost {honest['cost']})"
    )
