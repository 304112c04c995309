"""perfcount in five steps: measure → count → score → evaluate → plot.

    python examples/quickstart.py                 # auto backend, figures next to this script
    python examples/quickstart.py --backend software --out /tmp/figs

Runs in well under a minute on a 2-core VM without a PMU (auto → valgrind,
deterministic instruction counts; references are cached after the first run).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import perfcount as pc
from perfcount import report
from perfcount.execute.runner import Runner

HERE = Path(__file__).resolve().parent
TASK = "longest_increasing_subsequence"

# A correct but quadratic solution of the shipped task...
QUADRATIC = """
def longest_increasing_subsequence(xs):
    best = [1] * len(xs)
    for i in range(len(xs)):
        for j in range(i):
            if xs[j] < xs[i] and best[j] + 1 > best[i]:
                best[i] = best[j] + 1
    return max(best, default=0)
"""


# ...and an O(n log n) one, as a plain function (its source is sent to the runner).
def longest_increasing_subsequence(xs):
    import bisect

    tails = []
    for x in xs:
        i = bisect.bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", default="auto", choices=["auto", "perf", "valgrind", "software"]
    )
    parser.add_argument("--out", default=str(HERE), help="directory for the figures")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    # 1. measure a region of code in this process (hardware counters, else software events)
    with pc.measure() as m:
        sorted(range(100_000), key=lambda x: -x)
    print("1. measure:", m.counts)

    # 2. count a call several times: median and spread per event
    summary = pc.count(sum, range(200_000), repeat=5)
    print("2. count:  ", summary)

    # 3. score two solutions against the task's reference clusters, on this machine
    #    (one Runner for both: its fork server starts once — seconds under valgrind)
    with Runner(args.backend) as runner:
        fast = pc.score(longest_increasing_subsequence, TASK, runner=runner)
        slow = pc.score(QUADRATIC, TASK, runner=runner)
    for name, r in (("n log n", fast), ("quadratic", slow)):
        if r.status != "ok" or r.dps is None:
            print(f"3. score {name:9}: status={r.status} passed={r.passed} error={r.error}")
            continue
        print(
            f"3. score {name:9}: passed={r.passed} DPS={r.dps:.1f} DPS_norm={r.dps_norm:.1f} "
            f"cost={r.cost:,.0f} {r.metric} ({r.backend})"
        )

    # 4. evaluate a file of samples (EvalPlus style: task_id + solution) end to end
    demo = [
        json.loads(line)
        for line in (HERE / "samples-demo.jsonl").read_text().splitlines()
        if line.strip()
    ]
    samples = [s for s in demo if s["task_id"] == TASK]
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "results.jsonl")
        ev = pc.evaluate(samples, backend=args.backend, output=results, workers=1, progress=False)
        print("4. evaluate:", ev)
        print(ev.to_pandas()[["n_samples", "pass@1", "dps", "dps_norm"]].to_string())

        # 5. figures: where the fast solution lands among the references; the summary
        ax = report.plot_task(fast)
        ax.figure.savefig(out / "quickstart-task.png", dpi=100)
        report.plot_summary(ev).savefig(out / "quickstart-summary.png", dpi=100)
    print(f"5. plot: {out / 'quickstart-task.png'}, {out / 'quickstart-summary.png'}")


if __name__ == "__main__":
    main()
