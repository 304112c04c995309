"""Clustering 10^6 costs: perfcount.cluster vs a plain-Python transcription of the paper.

Targets: <= 0.1 s for 10^6 costs and >= 20x faster than the loop version.
The costs imitate a large pool: eight efficiency levels (1.2e4 .. 2e8
instructions) with 3 % noise, shuffled. Both versions return the same
partition (checked). Times are the best of several runs (the machine is
shared). The last line is the ratio.

    python benchmarks/cluster.py [N]
"""

from __future__ import annotations

import itertools
import math
import sys
import time

import numpy as np

from perfcount.dpe.clustering import cluster


def paper_loop(costs: list[float], bias: float = 0.2, weight: float = 10_000) -> list[list[int]]:
    """Figure 3 of the paper with Python lists and loops, on indices (same output)."""

    def thresh(t: float) -> float:
        return bias + math.sqrt(weight / t)

    order = sorted(range(len(costs)), key=costs.__getitem__, reverse=True)  # slow to fast
    time1d = [costs[i] for i in order]
    splitters = [
        i + 1
        for i in range(len(time1d) - 1)
        if time1d[i] > 0 and (time1d[i] - time1d[i + 1]) / time1d[i] > thresh(time1d[i])
    ]
    bounds = [0, *splitters, len(order)]
    return [sorted(order[a:b]) for a, b in itertools.pairwise(bounds)]


def best_of(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(2024)
    levels = np.array([2e8, 5e7, 1.2e7, 3e6, 8e5, 2e5, 5e4, 1.2e4])
    costs = levels[rng.integers(0, levels.size, n)] * rng.normal(1.0, 0.03, n)
    as_list = costs.tolist()

    fast = cluster(costs)
    slow = paper_loop(as_list)
    assert [c.members.tolist() for c in fast] == slow, "results differ"

    t_fast = best_of(lambda: cluster(costs), repeat=7)
    t_slow = best_of(lambda: paper_loop(as_list), repeat=2)
    print(f"costs: {n:,}  clusters: {len(fast)}  sizes: {[c.size for c in fast]}")
    print(f"perfcount.cluster (numpy):   {t_fast * 1e3:8.1f} ms  (target <= 100 ms for 10^6)")
    print(f"paper figure, Python loops:  {t_slow * 1e3:8.1f} ms")
    print(f"speedup: {t_slow / t_fast:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
