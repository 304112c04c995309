"""Throughput of ``perfcount.evaluate`` and where its wall time goes.

    python benchmarks/evaluate.py [--backend auto] [--dataset PATH --samples PATH]

Without ``--dataset``/``--samples`` a fixed small set is built here: three
tasks with three references each (clearly different costs) and four samples
per task (three correct, one wrong). The evaluation runs in this process with
one worker (``workers=1``), twice:

- **cold**: empty reference cache, so references are profiled too;
- **warm**: a fresh results file with the cache filled by the cold run, so
  only candidates are profiled (the steady state of a long evaluation).

Reported: candidates profiled per minute (correctness checks included in the
wall time), and the share of wall time spent inside candidates (the measured
regions' wall time, ``Profile.wall_ns × repeats``, of candidates and
references) versus in the harness (fork server start, fork, compile,
correctness checks, IPC, result files). The last line holds the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TASKS: list[dict[str, Any]] = [
    {
        "task_id": "sum_squares",
        "entry_point": "f",
        "reference": [
            "def f(n):\n    t = 0\n    for i in range(n):\n        for _ in range(i):\n"
            "            t += i\n    return t\n",
            "def f(n):\n    t = 0\n    for i in range(n):\n        t += i * i\n    return t\n",
            "def f(n):\n    return (n - 1) * n * (2 * n - 1) // 6\n",
        ],
        "scores": [40.0, 85.0, 100.0],
        "pe_input": [[60]],
        "tests": [[0], [1], [5], [12]],
        "candidates": [
            "def f(n):\n    return sum(i * i for i in range(n))\n",
            "def f(n):\n    return sum([i ** 2 for i in range(n)])\n",
            "def f(n):\n    return n * (n - 1) * (2 * n - 1) // 6\n",
            "def f(n):\n    return n * n\n",
        ],
    },
    {
        "task_id": "count_common",
        "entry_point": "f",
        "reference": [
            "def f(a, b):\n    c = 0\n    for x in b:\n        hit = False\n        for y in a:\n"
            "            if x == y:\n                hit = True\n        c += hit\n    return c\n",
            "def f(a, b):\n    return sum(1 for x in b if x in a)\n",
            "def f(a, b):\n    s = set(a)\n    return sum(1 for x in b if x in s)\n",
        ],
        "scores": [30.0, 75.0, 100.0],
        "pe_input": [[list(range(0, 160, 2)), list(range(80))]],
        "tests": [[[1, 2, 3], [2, 3, 4]], [[], [1]], [[5, 5], [5, 6, 5]]],
        "candidates": [
            "def f(a, b):\n    return sum(map(set(a).__contains__, b))\n",
            "def f(a, b):\n    return len([x for x in b if x in a])\n",
            "def f(a, b):\n    c = 0\n    for x in b:\n        if x in list(a):\n"
            "            c += 1\n    return c\n",
            "def f(a, b):\n    return len(b)\n",
        ],
    },
    {
        "task_id": "max_pair_sum",
        "entry_point": "f",
        "reference": [
            "def f(xs):\n    best = None\n    for i in range(len(xs)):\n"
            "        for j in range(i + 1, len(xs)):\n            s = xs[i] + xs[j]\n"
            "            if best is None or s > best:\n                best = s\n    return best\n",
            "def f(xs):\n    ys = sorted(xs)\n    return ys[-1] + ys[-2]\n",
            "def f(xs):\n    import heapq\n    a, b = heapq.nlargest(2, xs)\n    return a + b\n",
        ],
        "scores": [50.0, 80.0, 100.0],
        "pe_input": [[[(i * 7919) % 1000 for i in range(60)]]],
        "tests": [[[1, 2]], [[5, -1, 3]], [[0, 0, 0, 9]]],
        "candidates": [
            "def f(xs):\n    return sum(sorted(xs, reverse=True)[:2])\n",
            "def f(xs):\n    m = max(xs)\n    ys = list(xs)\n    ys.remove(m)\n"
            "    return m + max(ys)\n",
            "def f(xs):\n    return max(x + y for i, x in enumerate(xs) for y in xs[i + 1:])\n",
            "def f(xs):\n    return max(xs) * 2\n",
        ],
    },
]


def _expected(task: dict[str, Any]) -> list[Any]:
    from perfcount._util import plain

    ns: dict[str, Any] = {}
    exec(task["reference"][-1], ns)
    return [plain.encode(ns[task["entry_point"]](*args)) for args in task["tests"]]


def build(tmp: Path) -> tuple[Path, Path]:
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "bench", "version": "1"}
    rows, samples = [json.dumps(header)], []
    for t in TASKS:
        task = {k: v for k, v in t.items() if k != "candidates"}
        task["expected"] = _expected(t)
        rows.append(json.dumps(task))
        samples += [json.dumps({"task_id": t["task_id"], "solution": c}) for c in t["candidates"]]
    ds, sp = tmp / "bench.jsonl", tmp / "samples.jsonl"
    ds.write_text("\n".join(rows) + "\n")
    sp.write_text("\n".join(samples) + "\n")
    return ds, sp


class Meter:
    """Wraps Runner.profile/check to time them and sum the measured regions."""

    def __init__(self, references: set[str]) -> None:
        from perfcount.execute.runner import Runner

        self.references = references
        self.real_profile, self.real_check = Runner.profile, Runner.check
        self.reset()
        meter = self

        def profile(self: Any, solution: str, *a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            prof = meter.real_profile(self, solution, *a, **k)
            meter.profile_s += time.perf_counter() - t0
            inside = (prof.wall_ns or 0) * max(1, prof.repeats or 1) / 1e9
            meter.inside_s += inside
            if solution in meter.references:
                meter.n_ref += 1
            else:
                meter.n_cand += 1
            return prof

        def check(self: Any, *a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            res = meter.real_check(self, *a, **k)
            meter.check_s += time.perf_counter() - t0
            meter.n_check += 1
            return res

        Runner.profile, Runner.check = profile, check  # type: ignore[method-assign]

    def reset(self) -> None:
        self.profile_s = self.check_s = self.inside_s = 0.0
        self.n_ref = self.n_cand = self.n_check = 0


def run_once(ds: Path, samples: Path, out: Path, backend: str, meter: Meter) -> dict[str, float]:
    from perfcount.pipeline.evaluation import evaluate

    meter.reset()
    t0 = time.perf_counter()
    ev = evaluate(samples, ds, backend=backend, workers=1, output=out, progress=False)
    wall = time.perf_counter() - t0
    return {
        "wall_s": wall,
        "candidates": meter.n_cand,
        "references": meter.n_ref,
        "checks": meter.n_check,
        "per_minute": 60.0 * meter.n_cand / wall if wall else 0.0,
        "inside_share": meter.inside_s / wall if wall else 0.0,
        "profile_s": meter.profile_s,
        "check_s": meter.check_s,
        "dps": ev.summary["dps"] or 0.0,
        "backend": ev.header["backend"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--dataset", help="dataset path or name (with --samples)")
    ap.add_argument("--samples", help="samples JSONL (with --dataset)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfcount-bench-") as tmpdir:
        tmp = Path(tmpdir)
        os.environ["PERFCOUNT_CACHE_DIR"] = str(tmp / "cache")
        if args.dataset and args.samples:
            from perfcount.dpe.datasets import load_dataset

            ds, samples = Path(args.dataset), Path(args.samples)
            refs = {r for t in load_dataset(args.dataset).values() for r in t.reference}
        else:
            ds, samples = build(tmp)
            refs = {r for t in TASKS for r in t["reference"]}
        meter = Meter(refs)
        cold = run_once(ds, samples, tmp / "cold.jsonl", args.backend, meter)
        warm = run_once(ds, samples, tmp / "warm.jsonl", args.backend, meter)
    for name, r in (("cold", cold), ("warm", warm)):
        print(
            f"{name}: backend={r['backend']} wall={r['wall_s']:.1f}s "
            f"candidates profiled={r['candidates']} references profiled={r['references']} "
            f"checks={r['checks']} (profile calls {r['profile_s']:.1f}s, checks {r['check_s']:.1f}s)"
            f" mean DPS={r['dps']:.1f}"
        )
    print(
        f"candidates/min cold={cold['per_minute']:.1f} warm={warm['per_minute']:.1f}; "
        f"wall time inside candidates cold={100 * cold['inside_share']:.1f}% "
        f"warm={100 * warm['inside_share']:.1f}%, in the harness "
        f"cold={100 * (1 - cold['inside_share']):.1f}% warm={100 * (1 - warm['inside_share']):.1f}%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
