"""Build the sample files to score against the shipped ``perfcount-py`` dataset.

    python examples/make_samples.py            # writes examples/samples-demo.jsonl
                                                #    and examples/samples-full.jsonl

Candidates come from each task folder's ``candidates/*.py`` (written by the task
authors); the file name says what to expect: ``fast_*``, ``medium_*``,
``slow_*`` (correct, of that efficiency), ``wrong_*`` (fails the tests),
``timeout_*`` (correct but far too slow: hits the time limit).

Each line is an EvalPlus-style sample, ``task_id`` and ``solution``, plus
``candidate`` (the file stem) and ``level`` (the prefix); extra fields are
carried into the evaluation results.

``samples-demo.jsonl`` is a handful of tasks whose references are cheap to
profile under valgrind, so ``python -m perfcount evaluate
examples/samples-demo.jsonl`` finishes in a few minutes here; it holds fast,
medium and slow candidates, one wrong and one timing-out candidate.
``samples-full.jsonl`` holds every candidate of every task in the dataset.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = ROOT / "datasets" / "perfcount-py"
DATASET = ROOT / "datasets" / "perfcount-py.jsonl"
KINDS = ("fast", "medium", "slow", "wrong", "timeout")

#: Demo tasks: cheap references (see datasets/perfcount-py/README.md), mixed families.
DEMO_TASKS = (
    "longest_increasing_subsequence",
    "kth_smallest",
    "edit_distance",
    "sort_by_frequency",
    "stair_climb_ways_mod",
)
#: Which candidate kinds the demo takes from its tasks (wrong/timeout: only one each overall).
DEMO_KINDS = ("fast", "medium", "slow")


def candidates(task_dir: Path) -> list[dict[str, str]]:
    """Samples for every ``candidates/*.py`` of one task folder, sorted by file name."""
    out = []
    for f in sorted((task_dir / "candidates").glob("*.py")):
        kind = f.stem.split("_", 1)[0]
        if kind not in KINDS:
            raise SystemExit(
                f"{f}: file name must start with one of {', '.join(k + '_' for k in KINDS)}"
            )
        out.append(
            {
                "task_id": task_dir.name,
                "solution": f.read_text(),
                "candidate": f.stem,
                "level": kind,
            }
        )
    return out


def dataset_task_ids(path: Path) -> list[str]:
    """Task ids in the shipped dataset file (skipping its header line)."""
    ids = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if "task_id" in row:
            ids.append(row["task_id"])
    return ids


def write_jsonl(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--dataset", type=Path, default=DATASET, help="dataset JSONL (task ids to include)"
    )
    p.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent)
    a = p.parse_args(argv)

    ids = dataset_task_ids(a.dataset)
    missing = [t for t in DEMO_TASKS if t not in ids]
    if missing:
        raise SystemExit(f"demo task(s) not in {a.dataset}: {', '.join(missing)}")

    full: list[dict[str, str]] = []
    for task_id in ids:
        full.extend(candidates(TASKS / task_id))

    demo: list[dict[str, str]] = []
    extra: dict[str, dict[str, str] | None] = {"wrong": None, "timeout": None}
    for task_id in DEMO_TASKS:
        for c in candidates(TASKS / task_id):
            if c["level"] in DEMO_KINDS:
                demo.append(c)
            elif c["level"] in extra and extra[c["level"]] is None:
                extra[c["level"]] = c
    for kind, chosen in extra.items():
        if chosen is None:
            raise SystemExit(f"no {kind}_* candidate in the demo tasks")
        demo.append(chosen)

    write_jsonl(demo, a.out_dir / "samples-demo.jsonl")
    write_jsonl(full, a.out_dir / "samples-full.jsonl")
    print(
        f"samples-demo.jsonl: {len(demo)} samples over {len(DEMO_TASKS)} tasks; "
        f"samples-full.jsonl: {len(full)} samples over {len(ids)} tasks"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
