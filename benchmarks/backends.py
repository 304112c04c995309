"""Deterministic backends side by side: native vs qemu + plugin vs callgrind (vs cachegrind).

    python benchmarks/backends.py [--size large|small] [--instructions N] [--cpus] [--percpu]
                                  [--python PATH] [--repeat N] [--no-valgrind]
    python benchmarks/backends.py --main-job

One Python workload (dicts, strings, sorting, integer arithmetic, calls),
scaled to ``--instructions`` (default 5e9 for ``large``, 5e8 for ``small``;
the scale comes from a short calibration run under qemu), is timed in one run:

- natively (``perfcount.run(..., backend="software")``: wall time; no PMU
  here, so no native count),
- under ``qemu-x86_64 -cpu Nehalem-v1`` with no plugin (what emulation alone costs),
- under qemu with perfcount's plugin (``perfcount.run(..., backend="qemu")``),
- under callgrind (``run_callgrind``, the valgrind backend's tool),
- under cachegrind with ``--cache-sim=no`` where valgrind >= 3.22 (not on 3.19).

Native and qemu runs are repeated round-robin (``--repeat``; the best CPU
time, user + system of the process tree, is the measure, as it is less moved
by other load on the machine than wall time; the qemu counts must be
identical), valgrind runs once. ``--python`` defaults to Debian's
``/usr/bin/python3`` (a pyenv build with ``--enable-shared`` calls through
PLT stubs, indirect jumps that qemu cannot chain: ~2x slower under qemu). The last lines print the
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


def timed(fn) -> tuple[float, float, object]:
    """(wall s, CPU s of the process tree, result) of one run of ``fn`` (a ProcessResult)."""
    t0 = time.perf_counter()
    res = fn()
    wall = time.perf_counter() - t0
    return wall, (res.user_ns + res.system_ns) / 1e9, res


def valgrind_version() -> tuple[int, int] | None:
    vg = shutil.which("valgrind")
    if vg is None:
        return None
    out = subprocess.run([vg, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def main_job() -> int:
    """The README main job with an empty reference cache, per backend and limit; wall seconds.

    Each backend runs it with the default instruction budget (``--limit
    instructions``: qemu stops the time-limit sample at its budget, callgrind
    cannot and waits out its wall-clock limit) and with ``--limit wall``
    (EvalPerf's rule: the time-limit sample waits its native limit times the
    backend's timeout factor everywhere). Prints the ratios and whether every
    run gave the same DPS per sample.
    """
    import json
    import os

    root = Path(__file__).resolve().parent.parent
    samples = root / "examples" / "samples-demo.jsonl"
    walls: dict[tuple[str, str], float] = {}
    dps: dict[tuple[str, str], list[float | None]] = {}
    for limit in ("instructions", "wall"):
        for backend in ("qemu", "valgrind"):
            tmp = Path(tempfile.mkdtemp(prefix=f"perfcount-mainjob-{backend}-"))
            env = {**os.environ, "PERFCOUNT_CACHE_DIR": str(tmp / "cache")}
            out = tmp / "results.jsonl"
            argv = [sys.executable, "-m", "perfcount", "evaluate", str(samples), "-o", str(out)]
            argv += ["--backend", backend, "--limit", limit, "--no-progress"]
            t0 = time.perf_counter()
            subprocess.run(argv, env=env, cwd=root, check=True, capture_output=True)
            walls[backend, limit] = time.perf_counter() - t0
            lines = [json.loads(x) for x in out.read_text().splitlines()[1:]]
            # keyed by sample: with several workers, tasks finish (and are written) in any order
            dps[backend, limit] = sorted(
                (x["task_id"], x["sample"], x.get("dps"))
                for x in lines
                if x.get("kind") == "sample"
            )
            print(
                f"main job, --backend {backend:<9} --limit {limit:<12} "
                f"{walls[backend, limit]:7.1f} s wall",
                flush=True,
            )
    for limit in ("instructions", "wall"):
        print(
            f"--limit {limit}: valgrind / qemu wall "
            f"{walls['valgrind', limit] / walls['qemu', limit]:.2f}x"
        )
    print(
        f"callgrind's default run / qemu's: "
        f"{walls['valgrind', 'instructions'] / walls['qemu', 'instructions']:.2f}x; "
        f"the same DPS for every sample in all four runs: "
        f"{len({tuple(v) for v in dps.values()}) == 1} ({len(dps['qemu', 'wall'])} samples)"
    )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=("large", "small"), default="large")
    ap.add_argument("--instructions", type=float, help="target count (default 5e9 / 5e8)")
    ap.add_argument("--repeat", type=int, default=3, help="native and qemu runs (best kept)")
    ap.add_argument("--python", default="/usr/bin/python3", help="the interpreter to time")
    ap.add_argument("--no-valgrind", action="store_true", help="skip callgrind/cachegrind")
    ap.add_argument("--cpus", action="store_true", help="also count under other -cpu models")
    ap.add_argument("--percpu", action="store_true", help="also time the per-vCPU mode")
    ap.add_argument(
        "--main-job",
        action="store_true",
        help="instead: the README main job (evaluate examples/samples-demo.jsonl, empty "
        "reference cache) under qemu and under valgrind, side by side",
    )
    args = ap.parse_args()
    if args.main_job:
        return main_job()
    target = args.instructions or (5e9 if args.size == "large" else 5e8)

    qemu_bin, _ = qemu.check_available()
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
    version = qemu.describe()["version"]
    print(f"python {py}; workload n={n} (~{target:.2g} instructions); qemu {version}")
    print(f"{'run':<36} {'wall s':>7} {'cpu s':>7} {'x native':>9} {'instructions':>15}")
    rows: dict[str, tuple[float, float]] = {}

    def row(key: str, name: str, wall: float, cpu: float, insns: float | None) -> None:
        base = rows.get("native", (wall, cpu))[1]
        shown = f"{insns:15.0f}" if insns is not None else f"{'-':>15}"
        print(f"{name:<36} {wall:7.2f} {cpu:7.2f} {cpu / base:9.2f} {shown}", flush=True)
        rows[key] = (wall, cpu)

    # round-robin, so that load from elsewhere on the machine hits every kind alike;
    # CPU time (user + system of the process tree) is the measure, wall time is shown too
    plain = [qemu_bin, "-cpu", qemu.CPU_MODEL]
    kinds = {
        "native": lambda: run(argv(n), backend="software", env=ENV),
        "plain": lambda: run([*plain, *argv(n)], backend="software", env=ENV),
        "plugin": lambda: run_qemu(argv(n), env=ENV),
    }
    best: dict[str, tuple[float, float]] = {}
    results: dict[str, list] = {k: [] for k in kinds}
    for _ in range(args.repeat):
        for kind, fn in kinds.items():
            wall, cpu, res = timed(fn)
            assert res.ok, res.stderr[-1000:]
            old = best.get(kind, (wall, cpu))
            best[kind] = (min(old[0], wall), min(old[1], cpu))
            results[kind].append(res)
    qres = results["plugin"]
    counts = {r.counts["instructions"] for r in qres}
    assert len(counts) == 1, f"qemu counts differ between runs: {counts}"
    qcount = counts.pop()
    assert qres[0].stdout == results["native"][0].stdout == results["plain"][0].stdout
    row("native", f"native, best of {args.repeat}", *best["native"], None)
    row("plain", f"qemu -cpu {qemu.CPU_MODEL}, no plugin", *best["plain"], None)
    row("plugin", f"qemu + plugin ({qres[0].processes[0].mode})", *best["plugin"], qcount)

    if args.percpu:
        wall, cpu, res = timed(lambda: run_qemu(argv(n, "percpu"), env=ENV))
        name = f"qemu + plugin, 2nd thread ({res.processes[0].mode})"
        row("percpu", name, wall, cpu, res.counts["instructions"])

    cg = None
    vg = valgrind_version()
    if not args.no_valgrind and vg is not None:
        wall, cpu, res = timed(lambda: run_callgrind(argv(n), env=ENV))
        cg = res.counts["instructions"]
        row("callgrind", "callgrind", wall, cpu, cg)
        if vg >= (3, 22):
            out = tmp / "cachegrind.out"
            cmd = [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={out}",
            ]
            wall, cpu, res = timed(lambda: run([*cmd, *argv(n)], backend="software", env=ENV))
            m = re.search(rb"I\s+refs:\s+([\d,]+)", res.stderr)
            refs = int(m.group(1).replace(b",", b"")) if m else None
            row("cachegrind", "cachegrind --cache-sim=no", wall, cpu, refs)
        else:
            print(f"(cachegrind skipped: valgrind {vg[0]}.{vg[1]} < 3.22 has no client requests)")

    native = rows["native"][1]
    print()
    print(
        f"qemu + plugin / native:     {rows['plugin'][1] / native:6.2f}x cpu, "
        f"{rows['plugin'][0] / rows['native'][0]:.2f}x wall (no plugin: "
        f"{rows['plain'][1] / native:.2f}x cpu)"
    )
    if cg is not None:
        print(f"callgrind / native:         {rows['callgrind'][1] / native:6.2f}x cpu")
        print(f"callgrind / qemu + plugin:  {rows['callgrind'][1] / rows['plugin'][1]:6.2f}x cpu")
        print(f"qemu count vs callgrind:    {(qcount - cg) / cg:+.4%} ({qcount - cg:+.0f})")

    if args.cpus:
        print()
        print(f"-cpu model (same workload, n={n}): count vs the pinned {qemu.CPU_MODEL}")
        for model in (qemu.CPU_MODEL, "qemu64-v1", "Haswell-v4", "max"):
            wall, cpu, res = timed(lambda m=model: run_qemu(argv(n), env=ENV, cpu=m))
            c = res.counts["instructions"]
            print(f"  {model:<12} {c:15.0f} {(c - qcount) / qcount:+9.4%}  cpu {cpu:7.2f} s")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
