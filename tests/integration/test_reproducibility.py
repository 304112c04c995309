"""The same sample, the same count and score, on every run path (issue: reproducible scores).

A smaller run of benchmarks/reproducibility.py: one task's references submitted
verbatim plus its demo samples, along four paths in fresh interpreters —
the base run, another working directory, unrelated environment variables
(API-key-like ones included), and ``score()`` instead of ``evaluate()`` (the
benchmark adds cold/warm caches, a process pool, a resumed run, another
output path and Dask). Under qemu (``auto``'s choice without a PMU; the
benchmark's default is callgrind, and tests/integration/test_conformance.py
holds both backends to identical counts across runs and runners)
every cost and every DPS must be identical, and every verbatim reference must
get its own reference's score (inclusive matching).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "reproducibility.py"


@pytest.mark.needs_qemu
@pytest.mark.slow
def test_four_run_paths_give_identical_costs_and_scores() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--tasks",
            "longest_increasing_subsequence",
            "--paths",
            "base,cwd,env,score",
            "--backend",
            "qemu",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.stdout.strip(), done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["samples"] >= 8
    differ = {
        f"{p['a']}~{p['b']}": (p["costs_differ"], p["dps_differ"])
        for p in report["pairs"]
        if p["costs_differ"] or p["dps_differ"]
    }
    assert differ == {}
    assert report["own_score_misses"] == {p: [] for p in report["paths"]}
    assert done.returncode == 0
