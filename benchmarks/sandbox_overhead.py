"""Wall time per trivial candidate on the fork server: the sandbox before and after, in one run.

Issue #16 allows the per-candidate file hardening (request in a memfd,
stdout/stderr through a pipe the server reads, valgrind logging to a
descriptor, the AF_UNIX seccomp rule) at most +15 % wall time per trivial
candidate. This script exports a baseline revision's ``perfcount`` package
(default: the commit this branch started from) into a temporary folder, links
this checkout's built native module and qemu plugin into it, and times
``Runner.profile`` of a trivial candidate in worker processes of the baseline
and of this checkout, alternately, ``--rounds`` times per backend. It prints
the median wall time per candidate of each and the ratio after/before.

    python benchmarks/sandbox_overhead.py [--baseline REV] [--rounds 3] [--n 20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "907b390"  # the fork server before issue #16's per-candidate file work

WORKER = r"""
import json, sys, time
from perfcount.execute.runner import Runner
backend, n = sys.argv[1], int(sys.argv[2])
src = "def f(x):\n    return x + 1\n"
with Runner(backend, timeout=60, repeats=1) as r:
    for _ in range(3):  # the server, its overhead calibration and a warm zygote
        assert r.profile(src, "f", [[1]]).status == "ok"
    walls = []
    for _ in range(n):
        t = time.perf_counter()
        p = r.profile(src, "f", [[1]])
        walls.append(time.perf_counter() - t)
        assert p.status == "ok", p.error
print(json.dumps(walls))
"""


def _export(rev: str, into: Path) -> Path:
    """``rev``'s perfcount package in ``into`` with this checkout's native files linked in."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "perfcount"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    for built in (ROOT / "perfcount").glob("_*.so"):
        target = into / "perfcount" / built.name
        target.unlink(missing_ok=True)
        target.symlink_to(built.resolve())
    return into


def _walls(tree: Path, backend: str, n: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", WORKER, backend, str(n)],
        env=env,
        cwd=tempfile.gettempdir(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=20, help="candidates per round")
    ap.add_argument("--backends", default="software,valgrind")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="perfcount-sandbox-bench-"))
    try:
        old = _export(args.baseline, tmp)
        print(f"baseline {args.baseline} ({old}) vs this checkout ({ROOT})")
        for backend in args.backends.split(","):
            before: list[float] = []
            after: list[float] = []
            for _ in range(args.rounds):  # alternately, so machine load hits both alike
                before += _walls(old, backend, args.n)
                after += _walls(ROOT, backend, args.n)
            b, a = statistics.median(before), statistics.median(after)
            print(
                f"{backend:9s} per trivial candidate: before {b * 1e3:7.1f} ms, "
                f"after {a * 1e3:7.1f} ms, ratio {a / b:.3f} "
                f"({len(before)} candidates each)",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
