"""Harness overhead per trivial candidate: fork server vs a fresh interpreter per candidate.

    python benchmarks/runner.py [--native N] [--valgrind N]

Native: ``Runner("perf", events=["task-clock"]).profile(...)`` (fork server,
sandbox, limits, outputs as plain data) against ``python -c`` doing the least
a per-candidate interpreter must (import perfcount._util.plain, compile, call,
encode the output). Valgrind: the fork server under callgrind against a fresh
``valgrind --tool=callgrind --instr-atstart=no python -c`` per candidate that
switches instrumentation on around the call. Means of wall time per candidate
(server start-up excluded: it is paid once per Runner). Ratios on the last line.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfcount.execute.runner import Runner

SOURCE = "def f(x):\n    return x + 1\n"

DRIVER = """
import json
from perfcount._util import plain
src = {src!r}
ns = {{}}
exec(compile(src, "<candidate>", "exec"), ns)
{start}
out = ns["f"](41)
{stop}
print(json.dumps(plain.encode(out)))
"""


def _per_call(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def bench_native(n: int) -> tuple[float, float]:
    with Runner("perf", events=["task-clock"], timeout=30) as r:
        r.profile(SOURCE, "f", [[41]])  # start the server outside the timing

        def one() -> None:
            p = r.profile(SOURCE, "f", [[41]])
            assert p.status == "ok" and p.outputs == [42], p

        server = _per_call(one, n)
    env = dict(os.environ, PYTHONHASHSEED="0")
    argv = [sys.executable, "-c", DRIVER.format(src=SOURCE, start="", stop="")]

    def fresh() -> None:
        out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
        assert out.stdout.strip() == "42"

    spawned = _per_call(fresh, n)
    return statistics.mean(server), statistics.mean(spawned)


def bench_valgrind(n: int) -> tuple[float, float]:
    with Runner("valgrind", timeout=30) as r:
        r.profile(SOURCE, "f", [[41]])

        def one() -> None:
            p = r.profile(SOURCE, "f", [[41]])
            assert p.status == "ok" and p.outputs == [42] and p.cost > 0, p

        server = _per_call(one, n)
    env = dict(os.environ, PYTHONHASHSEED="0")
    tmp = Path(tempfile.mkdtemp(prefix="perfcount-bench-"))
    code = DRIVER.format(
        src=SOURCE,
        start="from perfcount import _native\n_native.callgrind_start()",
        stop="_native.callgrind_stop('bench')",
    )
    argv = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={tmp}/cg.%p",
        "--dump-instr=no",
        "--dump-line=no",
        f"--log-file={tmp}/vg.%p.log",
        sys.executable,
        "-c",
        code,
    ]

    def fresh() -> None:
        out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
        assert out.stdout.strip() == "42"
        totals = [
            line
            for f in tmp.glob("cg.*.1")
            for line in f.read_text().splitlines()
            if line.startswith("totals:")
        ]
        assert totals, "no callgrind dump"
        for f in tmp.iterdir():
            f.unlink()

    try:
        spawned = _per_call(fresh, n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return statistics.mean(server), statistics.mean(spawned)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--native", type=int, default=30, help="candidates per native variant")
    ap.add_argument("--valgrind", type=int, default=5, help="candidates per valgrind variant")
    a = ap.parse_args()
    ns, nf = bench_native(a.native)
    print(
        f"native   fork server {ns * 1e3:8.1f} ms/candidate   fresh python -c   {nf * 1e3:8.1f} ms/candidate"
    )
    ratio_vg = float("nan")
    if shutil.which("valgrind"):
        vs, vf = bench_valgrind(a.valgrind)
        ratio_vg = vf / vs
        print(
            f"valgrind fork server {vs * 1e3:8.1f} ms/candidate   fresh valgrind python {vf * 1e3:8.1f} ms/candidate"
        )
    else:
        print("valgrind not installed: valgrind comparison skipped")
    print(f"ratios (fresh / fork server): native {nf / ns:.1f}x  valgrind {ratio_vg:.1f}x")


if __name__ == "__main__":
    main()
