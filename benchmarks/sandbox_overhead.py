"""Wall time per trivial candidate on the fork server: the sandbox before and after, in one run.

Issue #16 allows the per-candidate file hardening (request in a memfd,
stdout/stderr through a pipe the server reads, valgrind logging to a
descriptor, the AF_UNIX seccomp rule) at most +15 % wall time per trivial
candidate. This script exports a baseline revision's ``perfcount`` package
(default: the commit this branch started from) into a temporary folder, links
this checkout's built native module and qemu plugin into it, and times
``Runner.profile`` of a trivial candidate in two worker processes side by side,
one of the baseline and one of this checkout, taking turns one candidate at a
time (the machine's load, shared with others, changes within seconds). It
prints the median wall time per candidate of each and the ratio after/before.

    python benchmarks/sandbox_overhead.py [--baseline REV] [--n 60] [--backends software,valgrind,qemu]
"""

from __future__ import annotations

import argparse
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
import sys, time
from perfcount.execute.runner import Runner
backend = sys.argv[1]
src = "def f(x):\n    return x + 1\n"
with Runner(backend, timeout=60, repeats=1) as r:
    for _ in range(3):  # the server, its overhead calibration and a warm zygote
        assert r.profile(src, "f", [[1]]).status == "ok"
    print("ready", flush=True)
    for _ in sys.stdin:  # one candidate per line read
        t = time.perf_counter()
        p = r.profile(src, "f", [[1]])
        wall = time.perf_counter() - t
        assert p.status == "ok", p.error
        print(wall, flush=True)
"""


def _export(rev: str, into: Path) -> Path:
    """``rev``'s perfcount package in ``into`` with this checkout's native module linked in.

    The qemu plugin is built from ``rev``'s own sources (its record format goes with
    that revision's reader), with the C compiler, when ``rev`` has one.
    """
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "perfcount", "native/qemu"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    for built in (ROOT / "perfcount").glob("_native*.so"):
        target = into / "perfcount" / built.name
        target.unlink(missing_ok=True)
        target.symlink_to(built.resolve())
    sources = sorted(str(c) for c in (into / "native" / "qemu").glob("*.c"))
    cc = shutil.which("cc") or shutil.which("gcc")
    if sources and cc:
        out = into / "perfcount" / "_qemu_plugin.so"
        flags = ["-O2", "-shared", "-fPIC", "-fvisibility=hidden", "-pthread"]
        subprocess.run([cc, *flags, "-o", str(out), *sources, "-ldl"], check=True)
    return into


def _worker(tree: Path, backend: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, backend],
        env=env,
        cwd=tempfile.gettempdir(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        sys.exit(f"the {tree} worker did not start")
    return proc


def _one(proc: subprocess.Popen[str]) -> float:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return float(proc.stdout.readline())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("--n", type=int, default=60, help="candidates per version and backend")
    ap.add_argument("--backends", default="software,valgrind")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="perfcount-sandbox-bench-"))
    try:
        old = _export(args.baseline, tmp)
        print(f"baseline {args.baseline} ({old}) vs this checkout ({ROOT})")
        for backend in args.backends.split(","):
            before: list[float] = []
            after: list[float] = []
            workers = [_worker(old, backend), _worker(ROOT, backend)]
            try:
                for i in range(args.n):  # taking turns, who goes first alternating
                    order = (0, 1) if i % 2 == 0 else (1, 0)
                    for k in order:
                        (before if k == 0 else after).append(_one(workers[k]))
            finally:
                for w in workers:
                    assert w.stdin is not None
                    w.stdin.close()
                    w.wait(60)
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
