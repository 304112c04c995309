"""How much a threaded candidate's count moves from run to run, by GIL switch interval.

Two compute-bound Python threads (the program of
``tests/integration/test_conformance.py``) are profiled ``--runs`` times at each
size, once with Python's own switch interval (5 ms: the GIL changes hands
whenever that much wall-clock time passed) and once with the runner's
(``sandbox.GIL_SWITCH_INTERVAL``: only where a thread blocks). Printed per
backend, interval and size: the spread (max - min) of the counts and the
distinct thread-order runs the candidate saw. With Python's interval the
number of switches follows the clock, so the spread grows with the run and
with the machine's load; with the runner's it should stay at the few hand-overs
where a thread blocks.

    python benchmarks/threads.py                          # qemu, then valgrind
    python benchmarks/threads.py --backends qemu --sizes 20000,400000 --runs 5
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perfcount.execute.runner import Runner
from perfcount.execute.sandbox import GIL_SWITCH_INTERVAL, PYTHON_SWITCH_INTERVAL

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
from test_conformance import THREADS


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", default="qemu,valgrind")
    ap.add_argument("--sizes", default="20000,200000", help="loop iterations per thread")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for backend in args.backends.split(","):
        for label, interval in (
            ("python 5 ms", PYTHON_SWITCH_INTERVAL),
            ("runner's", GIL_SWITCH_INTERVAL),
        ):
            with Runner(backend, timeout=600, switch_interval=interval) as r:
                for n in sizes:
                    profiles = [r.profile(THREADS, "f", [[n]]) for _ in range(args.runs)]
                    bad = [p.error for p in profiles if p.status != "ok"]
                    if bad:
                        print(f"{backend}: {bad[0]}", file=sys.stderr)
                        return 1
                    costs = [int(p.cost) for p in profiles]
                    orders = {len(p.outputs[0]) for p in profiles}
                    print(
                        f"{backend:9} {label:12} n={n:<8} mean {sum(costs) / len(costs):14,.0f}"
                        f"  spread {max(costs) - min(costs):8,}  thread-order runs {sorted(orders)}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
