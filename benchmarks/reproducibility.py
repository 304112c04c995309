"""The same samples along many run paths: how many costs and DPS values differ?

A fixed sample set — every reference of the chosen tasks submitted verbatim,
plus the demo samples of those tasks — is evaluated along several paths that
must not change a count: another working directory, an unrelated environment
variable, another (cold) reference cache, a warm cache, ``score()`` instead of
``evaluate()``, a process pool, a resumed run, another output path. Each path
runs in a fresh interpreter. The script prints, per pair of paths, how many
costs and how many DPS values differ (0 and 0 is the promise under a
deterministic backend), and how many verbatim references did not get their
own reference's score.

    python benchmarks/reproducibility.py                      # 3 tasks, every path (dask: pip install 'perfcount[dask]')
    python benchmarks/reproducibility.py --tasks kth_smallest --paths base,cwd,env,score
    python benchmarks/reproducibility.py --json               # machine-readable

Exit status 1 when any cost or score differs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TASKS = ("longest_increasing_subsequence", "course_schedule_order", "kth_smallest")
PATHS = (
    "base",
    "cwd",
    "env",
    "cold_cache",
    "warm_cache",
    "score",
    "pool",
    "resume",
    "output",
    "dask",
)

# The child: evaluate (or score) the samples and print {key: [cost, dps]} as JSON.
_CHILD = r"""
import json, sys
import perfcount
args = json.loads(sys.argv[1])
rows = [json.loads(line) for line in open(args["samples"])]
ds = perfcount.load_dataset(args["dataset"])
out = {}
if args["mode"] == "score":
    for row in rows:
        r = perfcount.score(row["solution"], row["task_id"], dataset=ds, backend=args["backend"])
        out[row["key"]] = [r.cost, r.dps]
else:
    if args.get("first"):  # a run killed after its first task (file cut there), then resumed
        perfcount.evaluate(rows, ds, backend=args["backend"], workers=1,
                           output=args["output"], progress=False)
        lines = open(args["output"]).read().splitlines(True)
        cut = next(i for i, ln in enumerate(lines) if json.loads(ln).get("kind") == "task")
        open(args["output"], "w").writelines(lines[: cut + 1])
    executor = None
    if args.get("dask"):  # a local Dask cluster of one single-threaded worker process
        from perfcount.integrations.dask import connect
        ctx = connect("local:1")
        executor = ctx.__enter__()
    ev = perfcount.evaluate(rows, ds, backend=args["backend"],
                            workers=None if executor else args["workers"],
                            executor=executor, output=args["output"], progress=False)
    if executor is not None:
        ctx.__exit__(None, None, None)
    for s in ev.samples:
        out[s["key"]] = [s.get("cost"), s.get("dps")]
print("RESULT " + json.dumps(out))
"""


def sample_set(tasks: list[str], dataset: str) -> list[dict[str, Any]]:
    """Every reference of ``tasks`` verbatim, then the demo samples of those tasks."""
    sys.path.insert(0, str(ROOT))
    import perfcount

    ds = perfcount.load_dataset(dataset)
    rows = []
    for tid in tasks:
        for i, src in enumerate(ds[tid].reference):
            rows.append({"task_id": tid, "solution": src, "key": f"{tid}/ref{i}", "ref": i})
    demo = ROOT / "examples" / "samples-demo.jsonl"
    if demo.exists():
        for n, line in enumerate(demo.read_text().splitlines()):
            row = json.loads(line)
            if row["task_id"] in tasks:
                rows.append(
                    {
                        "task_id": row["task_id"],
                        "solution": row["solution"],
                        "key": f"{row['task_id']}/demo{n}",
                    }
                )
    return rows


def run_path(
    name: str, samples: Path, work: Path, dataset: str, backend: str
) -> dict[str, list[Any]]:
    """Evaluate the samples along path ``name`` in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    cwd = work / "cwd-base"
    cache = work / "cache-shared"
    args: dict[str, Any] = {
        "samples": str(samples),
        "dataset": dataset,
        "backend": backend,
        "mode": "evaluate",
        "workers": 1,
        "output": str(work / f"{name}.results.jsonl"),
    }
    if name == "cwd":
        cwd = work / "a" / "much" / "deeper" / "working" / "directory"
    elif name == "env":
        env["PERFCOUNT_REPRO_UNRELATED"] = "x" * 777
        env["SOME_API_KEY"] = "secret-" + "y" * 64
    elif name == "cold_cache":
        cache = work / "cache-of-its-own-with-a-longer-name"
    elif name == "score":
        args["mode"] = "score"
    elif name == "pool":
        args["workers"] = 2
    elif name == "resume":
        args["first"] = True
    elif name == "dask":
        args["dask"] = True
    elif name == "output":
        args["output"] = str(work / "elsewhere" / "with" / "another" / "name.jsonl")
    # base and warm_cache share a cache: the one that runs second finds it warm
    env["PERFCOUNT_CACHE_DIR"] = str(cache)
    cwd.mkdir(parents=True, exist_ok=True)
    Path(args["output"]).parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(f"path {name!r} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def compare(results: dict[str, dict[str, list[Any]]]) -> list[dict[str, Any]]:
    """Per pair of paths: how many costs and DPS values differ (and which)."""
    out = []
    for a, b in itertools.combinations(results, 2):
        keys = sorted(set(results[a]) | set(results[b]))
        cost = [k for k in keys if results[a].get(k, [None])[0] != results[b].get(k, [None])[0]]
        dps = [
            k
            for k in keys
            if results[a].get(k, [None, None])[1] != results[b].get(k, [None, None])[1]
        ]
        out.append({"a": a, "b": b, "samples": len(keys), "costs_differ": cost, "dps_differ": dps})
    return out


def own_score_misses(
    results: dict[str, list[Any]], samples: list[dict[str, Any]], dataset: str
) -> list[str]:
    """Verbatim references that did not get their own reference's score."""
    import perfcount

    ds = perfcount.load_dataset(dataset)
    misses = []
    for row in samples:
        if "ref" in row:
            want = ds[row["task_id"]].scores[row["ref"]]
            got = results.get(row["key"], [None, None])[1]
            if got != want:
                misses.append(f"{row['key']}: DPS {got} (its reference scores {want})")
    return misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tasks", default=",".join(DEFAULT_TASKS))
    ap.add_argument("--paths", default=",".join(PATHS))
    ap.add_argument("--dataset", default="perfcount-py")
    ap.add_argument("--backend", default="valgrind")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    tasks = [t for t in args.tasks.split(",") if t]
    paths = [p for p in args.paths.split(",") if p]
    unknown = sorted(set(paths) - set(PATHS))
    if unknown:
        ap.error(f"unknown paths {unknown}; known: {', '.join(PATHS)}")
    samples = sample_set(tasks, args.dataset)
    with tempfile.TemporaryDirectory(prefix="perfcount-repro-") as tmp:
        work = Path(tmp)
        sfile = work / "samples.jsonl"
        sfile.write_text("".join(json.dumps(r) + "\n" for r in samples))
        results = {p: run_path(p, sfile, work, args.dataset, args.backend) for p in paths}
    pairs = compare(results)
    misses = {p: own_score_misses(r, samples, args.dataset) for p, r in results.items()}
    bad = any(p["costs_differ"] or p["dps_differ"] for p in pairs)
    if args.json:
        print(
            json.dumps(
                {
                    "samples": len(samples),
                    "paths": paths,
                    "pairs": pairs,
                    "own_score_misses": misses,
                }
            )
        )
    else:
        print(
            f"{len(samples)} samples ({', '.join(tasks)}), backend {args.backend}, {len(paths)} paths"
        )
        print(f"{'path A':>12} {'path B':>12} {'costs differ':>13} {'DPS differ':>11}")
        for p in pairs:
            print(
                f"{p['a']:>12} {p['b']:>12} {len(p['costs_differ']):>13} {len(p['dps_differ']):>11}"
            )
        for p, m in misses.items():
            print(
                f"{p}: {len(m)} verbatim references missed their own score"
                + (f": {m[:3]}" if m else "")
            )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
