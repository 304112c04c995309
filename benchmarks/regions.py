"""Instruction budgets in the user's own pytest: native vs qemu in-process vs callgrind in-process.

    python benchmarks/regions.py [--scale N] [--repeat N]

A small suite of budgeted tests (``@pytest.mark.perfcount(max_instructions=...)``:
dicts, sorting, json, integer arithmetic) is written to a temporary
folder and run, round-robin in one run of this script, three ways:

- native: ``python -m pytest --perfcount`` (no PMU here, so the budgets are
  not checked: ``--perfcount-unavailable=pass``; what the tests cost bare);
- qemu: ``python -m perfcount pytest`` (pytest under ``qemu-x86_64 -cpu
  Nehalem-v1`` with perfcount's plugin in regions mode);
- callgrind: ``valgrind --tool=callgrind --instr-atstart=no python -m pytest
  --perfcount`` (instrumentation switched on around each test call).

For each: the best wall time of the whole session and the sum of the test
case times from pytest's junit XML (setup + call + teardown; what the
budgets add without the interpreter's and pytest's start-up), then the
ratios to native. The per-test counts of qemu and callgrind are printed
side by side with their difference in %; qemu's must be identical in every
repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUITE = """
import json
import pytest

SCALE = {scale}


def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


@pytest.mark.perfcount(max_instructions=10**10)
def test_dicts():
    d = {{}}
    for i in range(20_000 * SCALE):
        d["k" + str(i)] = i * 7 % 1009
    assert len(d) == 20_000 * SCALE


@pytest.mark.perfcount(max_instructions=10**10)
def test_sorting():
    data = [(i * 7919) % 10007 for i in range(50_000 * SCALE)]
    assert sorted(data)[0] == 0


@pytest.mark.perfcount(max_instructions=10**10)
def test_json_roundtrip():
    rows = [{{"id": i, "name": f"row {{i}}", "tags": ["a", "b", str(i)]}} for i in range(5_000 * SCALE)]
    assert json.loads(json.dumps(rows)) == rows


@pytest.mark.perfcount(max_instructions=10**10)
def test_arithmetic():
    assert sum(collatz(n) for n in range(1, 3_000 * SCALE)) > 0
"""

QUIET = ["-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark"]


def _argv(mode: str, out: Path) -> list[str]:
    common = [*QUIET, f"--junitxml={out}/junit.xml", f"--perfcount-json={out}/counts.json"]
    if mode == "native":
        return [
            sys.executable,
            "-m",
            "pytest",
            "--perfcount",
            "--perfcount-unavailable=pass",
            *common,
        ]
    if mode == "qemu":
        return [sys.executable, "-m", "perfcount", "pytest", *common]
    return [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}/cg.%p",
        "-q",
        sys.executable,
        "-m",
        "pytest",
        "--perfcount",
        *common,
    ]


def _once(mode: str, suite: Path, out: Path) -> tuple[float, float, dict[str, float]]:
    out.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QEMU_", "PERFCOUNT_"))}
    env.update(PYTHONPATH=str(ROOT), PYTHONHASHSEED="0", PERFCOUNT_CALLGRIND_OUT=f"{out}/cg.%p")
    t0 = time.perf_counter()
    done = subprocess.run(
        _argv(mode, out), cwd=suite, env=env, capture_output=True, text=True, timeout=3600
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{mode}: pytest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    tests = sum(float(c.get("time", 0)) for c in ET.parse(out / "junit.xml").iter("testcase"))
    counts = {}
    for m in json.loads((out / "counts.json").read_text())["measurements"]:
        value = (m.get("values") or {}).get("instructions")
        if value is not None:
            counts[m["nodeid"].split("::")[1]] = value
    for f in out.glob("cg.*"):
        f.unlink()
    return wall, tests, counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=4, help="work per test (default 4)")
    ap.add_argument("--repeat", type=int, default=3, help="round-robin repeats (default 3)")
    args = ap.parse_args()
    modes = ["native", "qemu", "callgrind"]
    with tempfile.TemporaryDirectory(prefix="perfcount-regions-") as tmp:
        suite = Path(tmp) / "suite"
        suite.mkdir()
        (suite / "test_budgets.py").write_text(SUITE.format(scale=args.scale))
        best: dict[str, tuple[float, float]] = {}
        counts: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
        for r in range(args.repeat):
            for mode in modes:
                wall, tests, got = _once(mode, suite, Path(tmp) / f"{mode}-{r}")
                counts[mode].append(got)
                old = best.get(mode, (float("inf"), float("inf")))
                best[mode] = (min(old[0], wall), min(old[1], tests))
                print(f"run {r + 1} {mode:9}: session {wall:7.2f} s, tests {tests:7.3f} s")
    print()
    qemu_runs = counts["qemu"]
    same = all(c == qemu_runs[0] for c in qemu_runs)
    print(f"qemu counts identical in {args.repeat} of {args.repeat} runs: {same}")
    print(f"{'test':22} {'qemu':>14} {'callgrind':>14} {'diff':>8}")
    for name, q in qemu_runs[0].items():
        c = counts["callgrind"][0].get(name)
        diff = f"{100 * (q - c) / c:+.2f}%" if c else "-"
        print(f"{name:22} {q:14,.0f} {c or 0:14,.0f} {diff:>8}")
    print()
    nw, nt = best["native"]
    for mode in modes:
        w, t = best[mode]
        print(
            f"{mode:9}: session {w:7.2f} s ({w / nw:5.1f}x native), "
            f"tests {t:7.3f} s ({t / nt:5.1f}x native)"
        )
    qw, qt = best["qemu"]
    cw, ct = best["callgrind"]
    print(f"callgrind / qemu: session {cw / qw:.1f}x, tests {ct / qt:.1f}x")


if __name__ == "__main__":
    main()
