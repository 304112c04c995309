"""Resource leaks: fds, threads, child processes and RSS across many regions and candidates.

Runs 10,000 ``perfcount.measure()`` regions (software backend: real
perf_event syscalls) and 1,000 runner candidates (``Runner.check`` and every
tenth ``Runner.profile``), sampling the evaluator's open file descriptors,
threads, descendant processes and resident memory after a warm-up and at the
end. Prints one line per phase; the last line holds the growth numbers.

    python benchmarks/leaks.py [--regions N] [--candidates N]
"""

from __future__ import annotations

import argparse
import gc
import os
import threading
from pathlib import Path
from typing import Any


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def descendants(root: int | None = None) -> list[int]:
    """Live (non-zombie) processes below ``root`` (default: this process)."""
    root = os.getpid() if root is None else root
    parent: dict[int, int] = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parent[int(p)] = int(fields[1])
    out: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, pp in parent.items() if pp in frontier} - out
        out |= frontier
    return sorted(out)


def snapshot() -> dict[str, int]:
    gc.collect()
    return {
        "fds": fds(),
        "threads": threads(),
        "py_threads": threading.active_count(),
        "children": len(descendants()),
        "rss_kb": rss_kb(),
    }


def growth(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in before}


def regions(n: int) -> dict[str, Any]:
    import perfcount as pc

    def one() -> None:
        with pc.measure(backend="software") as m:
            sum(range(50))
        assert m.counts is not None

    for _ in range(200):  # warm-up: memoised argument resolution, first group
        one()
    before = snapshot()
    for _ in range(n):
        one()
    after = snapshot()
    return {"before": before, "after": after, "growth": growth(before, after)}


def candidates(n: int) -> dict[str, Any]:
    from perfcount.execute.runner import Runner

    src = "def f(x):\n    return [i * x for i in range(100)]\n"
    expected = [[i * 3 for i in range(100)]]
    with Runner("software", timeout=10, repeats=1, verify=False) as r:
        for _ in range(20):  # warm-up: the fork server is started, lazy imports done
            assert r.check(src, "f", [[3]], expected).passed
            assert r.profile(src, "f", [[3]]).status == "ok"
        before = snapshot()
        for i in range(n):
            if i % 10 == 0:
                p = r.profile(src, "f", [[3]])
                assert p.status == "ok", p.error
            else:
                c = r.check(src, "f", [[3]], expected)
                assert c.passed, c.error
        after = snapshot()
    closed = snapshot()
    return {"before": before, "after": after, "growth": growth(before, after), "closed": closed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=10_000)
    ap.add_argument("--candidates", type=int, default=1_000)
    args = ap.parse_args()
    start = snapshot()
    reg = regions(args.regions)
    print(f"measure() x {args.regions}: before {reg['before']} after {reg['after']}")
    cand = candidates(args.candidates)
    print(f"runner x {args.candidates}: before {cand['before']} after {cand['after']}")
    print(f"after Runner.close(): {cand['closed']} (at start: {start})")
    g1, g2 = reg["growth"], cand["growth"]
    print(
        f"growth per 10k regions: fds {g1['fds']}, threads {g1['threads']}, children "
        f"{g1['children']}, rss {g1['rss_kb'] * 10_000 / max(args.regions, 1) / 1024:.2f} MiB; "
        f"per 1k candidates: fds {g2['fds']}, threads {g2['threads']}, children "
        f"{g2['children']}, rss {g2['rss_kb'] * 1000 / max(args.candidates, 1) / 1024:.2f} MiB; "
        f"children left after close {cand['closed']['children'] - start['children']}"
    )


if __name__ == "__main__":
    main()
