"""Throughput of ``perfcount.evaluate`` on a Dask ``LocalCluster``: 1 vs 2 workers.

    python benchmarks/dask_scaling.py [--backend valgrind] [--copies 2] [--workers 1,2]

The tasks and samples are ``benchmarks/evaluate.py``'s fixed set (three tasks,
three references and four samples each), repeated ``--copies`` times under
distinct task ids so that there is enough work to spread over workers. Each
configuration evaluates everything cold (an empty reference cache of its own,
so references are re-measured on the workers, as on a fresh cluster):

- ``local``: ``evaluate(workers=1)`` in this process (one fork server for all
  tasks), the baseline without Dask;
- ``dask:N``: a ``LocalCluster(n_workers=N, threads_per_worker=1,
  processes=True)`` on loopback; the cluster's start-up is timed separately and
  not part of the evaluation time.

Reported per configuration: wall time, tasks and samples per minute. The last
line holds the ratios: throughput with the most workers over 1 worker (ideal:
the number of workers, on a machine with that many idle cores), and Dask with
1 worker over local mode (the per-task cost of Dask plus one fork server
start per task).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_tasks() -> tuple[list[dict[str, Any]], Any]:
    spec = importlib.util.spec_from_file_location(
        "_bench_evaluate", ROOT / "benchmarks/evaluate.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.TASKS, mod._expected


def build(tmp: Path, copies: int) -> tuple[Path, Path, int, int]:
    """Dataset and samples files: every task ``copies`` times (``<id>@<k>``)."""
    tasks, expected = _bench_tasks()
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "dask-bench"}
    header["version"] = "1"
    rows, samples = [json.dumps(header)], []
    for k in range(copies):
        for t in tasks:
            tid = f"{t['task_id']}@{k}"
            task = {key: v for key, v in t.items() if key != "candidates"}
            task.update(task_id=tid, expected=expected(t))
            rows.append(json.dumps(task))
            samples += [json.dumps({"task_id": tid, "solution": c}) for c in t["candidates"]]
    ds, sp = tmp / "bench.jsonl", tmp / "samples.jsonl"
    ds.write_text("\n".join(rows) + "\n")
    sp.write_text("\n".join(samples) + "\n")
    return ds, sp, len(rows) - 1, len(samples)


def run(config: str, ds: Path, samples: Path, tmp: Path, backend: str) -> tuple[float, float, Any]:
    """(evaluation wall seconds, cluster start seconds, Evaluation) of one configuration."""
    from perfcount.pipeline.evaluation import evaluate

    # a cold reference cache of its own, inherited by the spawned workers
    os.environ["PERFCOUNT_CACHE_DIR"] = str(tmp / f"cache-{config}")
    out = tmp / f"{config}.results.jsonl"
    if config == "local":
        t0 = time.perf_counter()
        ev = evaluate(samples, ds, backend=backend, workers=1, output=out, progress=False)
        return time.perf_counter() - t0, 0.0, ev
    import distributed

    n = int(config.split(":")[1])
    t0 = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(n)
        start = time.perf_counter() - t0
        t1 = time.perf_counter()
        ev = evaluate(samples, ds, backend=backend, executor=client, output=out, progress=False)
        return time.perf_counter() - t1, start, ev


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", default="valgrind", help="default: valgrind (deterministic)")
    ap.add_argument("--copies", type=int, default=2, help="copies of the 3 tasks (default 2)")
    ap.add_argument("--workers", default="1,2", help="Dask worker counts (default 1,2)")
    ap.add_argument("--no-local", action="store_true", help="skip the local-mode baseline")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.workers.split(",") if x.strip()]
    configs = ([] if args.no_local else ["local"]) + [f"dask:{n}" for n in counts]

    print(f"perfcount dask scaling: backend={args.backend}, cores={os.cpu_count()}, ", end="")
    print(f"load average {os.getloadavg()[0]:.2f} at start")
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="perfcount-dask-bench-") as d:
        tmp = Path(d)
        ds, samples, n_tasks, n_samples = build(tmp, args.copies)
        print(f"{n_tasks} tasks, {n_samples} samples")
        reference: list[Any] | None = None
        for config in configs:
            wall, start, ev = run(config, ds, samples, tmp, args.backend)
            results[config] = wall
            dps = [(s["task_id"], s["sample"], s["dps"]) for s in ev.samples]
            if reference is None:
                reference = dps
            agree = "same DPS as the first run" if dps == reference else "DPS DIFFER"
            hosts = {t.get("dask_worker") for t in ev.tasks if t.get("dask_worker")}
            print(
                f"{config:>8}: {wall:7.1f} s  {60 * n_tasks / wall:6.1f} tasks/min  "
                f"{60 * n_samples / wall:6.1f} samples/min"
                + (f"  (cluster start {start:.1f} s, {len(hosts)} workers used)" if start else "")
                + f"  [{agree}]"
            )
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    top = f"dask:{max(counts)}"
    parts = []
    if "dask:1" in results and top != "dask:1":
        parts.append(
            f"throughput {top} / dask:1 = {results['dask:1'] / results[top]:.2f}x "
            f"(ideal {max(counts)}x)"
        )
    if "local" in results and "dask:1" in results:
        parts.append(f"dask:1 / local(workers=1) = {results['local'] / results['dask:1']:.2f}x")
    print("; ".join(parts) if parts else "nothing to compare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
