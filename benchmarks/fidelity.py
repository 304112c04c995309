"""qemu against callgrind on the shipped references: repeatability, agreement, clusters.

For every reference of the chosen tasks of a shipped dataset (default: all of
``perfcount-py``; ``perfcount-sys``'s command tasks too), the whole-life count is taken twice under ``qemu`` and once
under ``valgrind`` (callgrind), each with its own runner. Printed: whether the
two qemu counts are identical, the distribution of the per-solution relative
difference qemu/callgrind - 1, and, per task, whether DPE's clustering of the
references' costs (``perfcount.dpe.clustering.cluster``, default weight
and bias) gives the same clusters under both backends.

    python benchmarks/fidelity.py [--dataset perfcount-py] [--tasks a,b,...] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfcount.dpe.clustering import cluster
from perfcount.dpe.datasets import load_dataset
from perfcount.execute.commands import CommandRunner
from perfcount.execute.runner import Runner
from perfcount.pipeline.evaluation import _task_inputs


def _groups(costs: list[float]) -> list[int]:
    """Cluster index of each reference (slow -> fast order kept)."""
    index = {}
    for j, c in enumerate(cluster(costs)):
        for i in c.members.tolist():
            index[i] = j
    return [index[i] for i in range(len(costs))]


#: result column -> backend
_NAMES = {"qemu": "qemu", "qemu2": "qemu", "valgrind": "valgrind"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="perfcount-py")
    ap.add_argument("--tasks", default="", help="comma-separated task ids (default: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    ds = load_dataset(args.dataset)
    ids = [t for t in args.tasks.split(",") if t] or list(ds)
    rows = []
    t0 = time.perf_counter()
    with Runner("qemu") as q1, Runner("qemu") as q2, Runner("valgrind") as vg:
        for tid in ids:
            task = ds[tid]
            inputs = _task_inputs(task)
            costs: dict[str, list[float | None]] = {"qemu": [], "qemu2": [], "valgrind": []}
            if task.is_command:  # a command task (perfcount-sys): its own runners, builds shared
                runners = {n: CommandRunner(task, b) for n, b in _NAMES.items()}
            else:
                runners = {"qemu": q1, "qemu2": q2, "valgrind": vg}
            for src in task.reference:
                for name, r in runners.items():
                    p = r.profile(src, task.entry_point, inputs)
                    costs[name].append(p.cost if p.ok else None)
            if task.is_command:
                for r in runners.values():
                    r.close()
            ok = all(c is not None for v in costs.values() for c in v)
            rows.append(
                {
                    "task": tid,
                    "qemu": costs["qemu"],
                    "qemu_again": costs["qemu2"],
                    "valgrind": costs["valgrind"],
                    "repeatable": costs["qemu"] == costs["qemu2"],
                    "diffs": [a / b - 1 for a, b in zip(costs["qemu"], costs["valgrind"])]
                    if ok
                    else [],
                    "same_clusters": ok and _groups(costs["qemu"]) == _groups(costs["valgrind"]),
                }
            )
            if not args.json:
                r = rows[-1]
                worst = max((abs(d) for d in r["diffs"]), default=float("nan"))
                print(
                    f"{tid:32s} refs {len(task.reference):2d}  repeatable {r['repeatable']!s:5s}"
                    f"  same clusters {r['same_clusters']!s:5s}  worst |diff| {worst:.3%}",
                    flush=True,
                )
    diffs = [d for r in rows for d in r["diffs"]]
    summary = {
        "dataset": args.dataset,
        "tasks": len(rows),
        "solutions": len(diffs),
        "repeatable_tasks": sum(r["repeatable"] for r in rows),
        "same_cluster_tasks": sum(bool(r["same_clusters"]) for r in rows),
        "diff_median": statistics.median(diffs) if diffs else None,
        "diff_min": min(diffs) if diffs else None,
        "diff_max": max(diffs) if diffs else None,
        "within_2pct": sum(abs(d) <= 0.02 for d in diffs),
        "elapsed_s": round(time.perf_counter() - t0, 1),
    }
    if args.json:
        print(json.dumps({"summary": summary, "rows": rows}))
        return
    print(
        f"\n{summary['solutions']} solutions on {summary['tasks']} tasks: qemu repeatable on "
        f"{summary['repeatable_tasks']}/{summary['tasks']} tasks; qemu/callgrind - 1: median "
        f"{summary['diff_median']:+.3%}, range [{summary['diff_min']:+.3%}, "
        f"{summary['diff_max']:+.3%}], {summary['within_2pct']}/{summary['solutions']} within 2 %; "
        f"same clusters on {summary['same_cluster_tasks']}/{summary['tasks']} tasks "
        f"({summary['elapsed_s']} s)"
    )


if __name__ == "__main__":
    main()
