"""Deterministic backends side by side: native vs qemu + plugin vs callgrind (vs cachegrind).

    python benchmarks/backends.py [--size large|small] [--instructions N] [--cpus] [--percpu]

One Python workload (dicts, strings, sorting, integer arithmetic, calls),
scaled to ``--instructions`` (default 5e9 for ``large``, 5e8 for ``small``;
the scale comes from a short calibration run under qemu), is timed in one run:

- natively (``perfcount.run(..., backend="software")``: wall time; no PMU
  here, so no native count),
- under ``qemu-x86_64 -cpu Nehalem-v1`` with no plugin (what emulation alone costs),
- under qemu with perfcount's plugin (``perfcount.run(..., backend="qemu")``),
- under callgrind (``run_callgrind``, the valgrind backend's tool),
- under cachegrind with ``--cache-sim=no`` where valgrind >= 3.22 (not on 3.19).

Native and qemu runs are repeated (``--repeat``, best wall time kept; the qemu
counts must be identical), valgrind runs once. The last lines print the
ratios. ``--cpus`` also counts the workload under other emulated CPU models
(how much a host-dependent choice of glibc's ifuncs would move a count);
``--percpu`` times the plugin's per-vCPU mode (what a process pays for the
rest of its life once it has started a second thread, on qemu < 9).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfcount.counters import qemu
from perfcount.counters.process import run, run_callgrind, run_qemu

WORKLOAD = """
import sys

def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps

def main(n):
    d = {}
    for i in range(n):
        d["k" + str(i)] = i * 7 % 1009
    words = sorted(d, key=lambda k: (d[k], k))
    text = " ".join(words[: n // 4])
    counts = {}
    for w in text.split():
        counts[w[-1]] = counts.get(w[-1], 0) + 1
    squares = [x * x for x in range(n) if x % 3]
    steps = sum(collatz(x) for x in range(1, n // 8 + 2))
    return len(words), sorted(counts.items())[:3], sum(squares) % 1000003, steps

if __name__ == "__main__":
    if len(sys.argv) > 2:  # --percpu: start (and end) a second thread first
        import threading
        t = threading.Thread(target=lambda: None)
        t.start()
        t.join()
    print(main(int(sys.argv[1])))
"""

ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONHASHSEED": "0", "LC_ALL": "C"}


def best(fn, repeat: int) -> tuple[float, list]:
    """(best wall seconds, every result) of ``repeat`` calls."""
    results, walls = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        walls.append(time.perf_counter() - t0)
        results.append(res)
    return min(walls), results


def valgrind_version() -> tuple[int, int] | None:
    vg = shutil.which("valgrind")
    if vg is None:
        return None
    out = subprocess.run([vg, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=("large", "small"), default="large")
    ap.add_argument("--instructions", type=float, help="target count (default 5e9 / 5e8)")
    ap.add_argument("--repeat", type=int, default=3, help="native and qemu runs (best kept)")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--no-valgrind", action="store_true", help="skip callgrind/cachegrind")
    ap.add_argument("--cpus", action="store_true", help="also count under other -cpu models")
    ap.add_argument("--percpu", action="store_true", help="also time the per-vCPU mode")
    args = ap.parse_args()
    target = args.instructions or (5e9 if args.size == "large" else 5e8)

    qemu.check_available()
    tmp = Path(tempfile.mkdtemp(prefix="perfcount-bench-"))
    script = tmp / "workload.py"
    script.write_text(WORKLOAD)
    py = args.python

    def argv(n: int, *extra: str) -> list[str]:
        return [py, str(script), str(n), *extra]

    # calibration: the count is affine in n (start-up + n * per-unit)
    c1 = run_qemu(argv(20_000), env=ENV).counts["instructions"]
    c2 = run_qemu(argv(40_000), env=ENV).counts["instructions"]
    per = (c2 - c1) / 20_000
    n = max(1000, int((target - (c1 - per * 20_000)) / per))
    print(
        f"python {py}; workload n={n} (~{target:.2g} instructions); qemu {qemu.describe()['version']}"
    )
    print(f"{'run':<34} {'wall s':>9} {'x native':>9} {'instructions':>15}")

    def row(name: str, wall: float, native: float, insns: float | None) -> None:
        shown = f"{insns:15.0f}" if insns is not None else f"{'-':>15}"
        print(f"{name:<34} {wall:9.2f} {wall / native:9.2f} {shown}", flush=True)

    native, nat = best(lambda: run(argv(n), backend="software", env=ENV), args.repeat)
    assert all(r.ok for r in nat), nat[0].stderr
    row("native", native, native, None)

    qemu_bin = qemu.require_qemu()

    def bare():
        done = subprocess.run(
            [qemu_bin, "-cpu", qemu.CPU_MODEL, *argv(n)], env=ENV, capture_output=True
        )
        assert done.returncode == 0, done.stderr
        return done

    plain, _ = best(bare, 1)
    row(f"qemu -cpu {qemu.CPU_MODEL}, no plugin", plain, native, None)

    qwall, qres = best(lambda: run_qemu(argv(n), env=ENV), args.repeat)
    counts = {r.counts["instructions"] for r in qres}
    assert len(counts) == 1, f"qemu counts differ between runs: {counts}"
    qcount = counts.pop()
    assert qres[0].stdout == nat[0].stdout
    row(f"qemu + plugin ({qres[0].processes[0].mode}), x{args.repeat}", qwall, native, qcount)

    if args.percpu:
        pwall, pres = best(lambda: run_qemu(argv(n, "percpu"), env=ENV), 1)
        mode = pres[0].processes[0].mode
        row(f"qemu + plugin, 2nd thread ({mode})", pwall, native, pres[0].counts["instructions"])

    cg = cgwall = None
    vg = valgrind_version()
    if not args.no_valgrind and vg is not None:
        cgwall, cgres = best(lambda: run_callgrind(argv(n), env=ENV), 1)
        cg = cgres[0].counts["instructions"]
        row("callgrind", cgwall, native, cg)
        if vg >= (3, 22):
            out = tmp / "cachegrind.out"
            t0 = time.perf_counter()
            done = subprocess.run(
                [
                    "valgrind",
                    "--tool=cachegrind",
                    "--cache-sim=no",
                    f"--cachegrind-out-file={out}",
                    *argv(n),
                ],
                env=ENV,
                capture_output=True,
                text=True,
            )
            chwall = time.perf_counter() - t0
            m = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
            row(
                "cachegrind --cache-sim=no",
                chwall,
                native,
                int(m.group(1).replace(",", "")) if m else None,
            )
        else:
            print(f"(cachegrind skipped: valgrind {vg[0]}.{vg[1]} < 3.22 has no client requests)")

    print()
    print(
        f"qemu + plugin / native:      {qwall / native:6.2f}x   (no plugin: {plain / native:.2f}x)"
    )
    if cg is not None and cgwall is not None:
        print(f"callgrind / native:          {cgwall / native:6.2f}x")
        print(f"callgrind / qemu + plugin:   {cgwall / qwall:6.2f}x")
        print(
            f"qemu count vs callgrind:     {(qcount - cg) / cg:+.4%} ({qcount - cg:+.0f} instructions)"
        )

    if args.cpus:
        print()
        print(f"-cpu model (same workload, n={n}): count vs the pinned {qemu.CPU_MODEL}")
        for model in (qemu.CPU_MODEL, "qemu64-v1", "Haswell-v4", "max"):
            t0 = time.perf_counter()
            res = run_qemu(argv(n), env=ENV, cpu=model)
            wall = time.perf_counter() - t0
            c = res.counts["instructions"]
            print(f"  {model:<12} {c:15.0f} {(c - qcount) / qcount:+9.4%}  {wall:7.2f} s")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
