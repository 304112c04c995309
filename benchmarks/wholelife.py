"""What whole-life counting costs: the README main job, before and after, in one run.

Issue #14 allows whole-life counting (a fresh fork per repeat, the count taken
from outside the candidate, the harness's share calibrated per server) at most
10 % more wall time per candidate on the README main job. This script checks
out a baseline revision (default: the last one that counted a region inside
the candidate's process) into a temporary worktree, and runs
``python -m perfcount evaluate examples/samples-demo.jsonl`` with the baseline
and with this checkout, alternately, ``--rounds`` times each: once with an
empty reference cache (references and samples are all profiled) and once with
the warm cache (the samples only). It prints the median wall time of each and
the ratio after/before.

The baseline uses this checkout's built native module (a symlink; the
baseline's Python code calls only functions both versions have).

    python benchmarks/wholelife.py [--baseline REV] [--backend valgrind] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "c860364"  # the harness before whole-life counting


def _native_module() -> Path:
    found = sorted((ROOT / "perfcount").glob("_native*.so"))
    if not found:
        sys.exit("build perfcount's native module first (pip install -e . or cmake)")
    return found[0].resolve()


def _worktree(rev: str, where: Path) -> Path:
    tree = where / "baseline"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), rev], check=True
    )
    native = _native_module()
    (tree / "perfcount" / native.name).symlink_to(native)
    return tree


def _run(tree: Path, cache: Path, out: Path, backend: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree), PERFCOUNT_CACHE_DIR=str(cache))
    argv = [
        sys.executable,
        "-m",
        "perfcount",
        "evaluate",
        str(ROOT / "examples" / "samples-demo.jsonl"),
        "--backend",
        backend,
        "--output",
        str(out),
        "--overwrite",
        "--no-progress",
    ]
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=tree, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{tree}: evaluate failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=BASELINE, help=f"git revision (default {BASELINE})")
    ap.add_argument("--backend", default="valgrind")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="perfcount-wholelife-"))
    try:
        base = _worktree(args.baseline, work)
        trees = {"before": base, "after": ROOT}
        walls: dict[tuple[str, str], list[float]] = {}
        for r in range(args.rounds):
            for name, tree in trees.items():
                cache = work / f"cache-{name}-{r}"
                out = work / f"results-{name}-{r}.jsonl"
                cold = _run(tree, cache, out, args.backend)
                warm = _run(tree, cache, out, args.backend)
                walls.setdefault((name, "cold"), []).append(cold)
                walls.setdefault((name, "warm"), []).append(warm)
                print(f"round {r + 1} {name:6s} cold {cold:6.1f} s  warm {warm:6.1f} s", flush=True)
        print(f"\nREADME main job, backend {args.backend}, median of {args.rounds} rounds:")
        for cache in ("cold", "warm"):
            before = statistics.median(walls[("before", cache)])
            after = statistics.median(walls[("after", cache)])
            print(
                f"  {cache} cache: before {before:6.1f} s  after {after:6.1f} s  "
                f"after/before {after / before:.3f}"
            )
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "baseline")],
            capture_output=True,
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
