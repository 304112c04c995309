"""``python -m perfcount new-task DIR``: a working task folder to start an own pool from.

The folder curates as it is (``python -m perfcount curate DIR/.. -o ds.jsonl``):
a task with its description, the entry point, correctness inputs
(``test_inputs()``), a workload generator (``perf_input_gen(scale)``), a
``tests.json`` written from the trusted solution, and four correct solutions
of clearly different cost — curation keeps only tasks with at least four
clusters by default, so two solutions would be dropped. Replace them with
your own; the layout is documented in docs/formats.md.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from perfcount.errors import InvalidArgument

_TASK_JSON = {
    "entry_point": "count_pairs_with_sum",
    "signature": "def count_pairs_with_sum(xs: list[int], target: int) -> int",
    "family": "arrays/counting",
    "difficulty": "easy",
    "trusted": "s4_counter_one_pass.py",
    "atol": 0,
    "rtol": 0,
}

_README = """# {task_id}

Count the pairs of positions `i < j` with `xs[i] + xs[j] == target`.

`count_pairs_with_sum([1, 2, 3, 4, 3], 6)` is 2 (2+4 and 3+3).
"""

_INPUTS = '''"""Inputs for count_pairs_with_sum: edge cases for correctness, a growing workload."""

from __future__ import annotations

import random


def test_inputs() -> list[list]:
    """Argument lists checked against the trusted solution (empty, duplicates, negatives)."""
    rng = random.Random(7)
    cases = [[[], 0], [[5], 10], [[1, 2, 3, 4, 3], 6], [[2, 2, 2, 2], 4], [[-3, 3, 0, 0], 0]]
    for n in (10, 40, 100):
        cases.append([[rng.randint(-20, 20) for _ in range(n)], rng.randint(-10, 10)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    """The performance workload at ``scale`` (curation doubles it until a time wall)."""
    rng = random.Random(1000 + scale)
    n = 200 * scale
    return [[[rng.randint(-n, n) for _ in range(n)], 0]]
'''

_SOLUTIONS = {
    "s1_nested_loops.py": """def count_pairs_with_sum(xs, target):
    count = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if xs[i] + xs[j] == target:
                count += 1
    return count
""",
    "s2_slice_count.py": """def count_pairs_with_sum(xs, target):
    return sum(xs[i + 1 :].count(target - x) for i, x in enumerate(xs))
""",
    "s3_sorted_two_pointers.py": """def count_pairs_with_sum(xs, target):
    ys = sorted(xs)
    lo, hi, count = 0, len(ys) - 1, 0
    while lo < hi:
        s = ys[lo] + ys[hi]
        if s < target:
            lo += 1
        elif s > target:
            hi -= 1
        elif ys[lo] == ys[hi]:
            n = hi - lo + 1
            count += n * (n - 1) // 2
            break
        else:
            a, b = lo, hi
            while ys[lo] == ys[a]:
                lo += 1
            while ys[hi] == ys[b]:
                hi -= 1
            count += (lo - a) * (b - hi)
    return count
""",
    "s4_counter_one_pass.py": """from collections import Counter


def count_pairs_with_sum(xs, target):
    seen = Counter()
    count = 0
    for x in xs:
        count += seen[target - x]
        seen[x] += 1
    return count
""",
}


class Command:
    name = "new-task"
    help = (
        "Write a working task folder (task.json, README.md, inputs.py, tests.json, four "
        "solutions) that `curate` accepts as it is: the start of an own pool."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("dir", help="the task folder to create (its name is the task id)")
        parser.add_argument(
            "--force", action="store_true", help="write into an existing, non-empty folder"
        )

    def run(self, args: argparse.Namespace) -> int:
        folder = Path(args.dir)
        task_id = folder.resolve().name
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", task_id):
            raise InvalidArgument(
                f"{task_id!r} is not a usable task id",
                hint="name the folder with letters, digits, '_', '.' or '-'",
            )
        if folder.exists() and any(folder.iterdir()) and not args.force:
            raise InvalidArgument(
                f"{folder} exists and is not empty", hint="choose a new folder or pass --force"
            )
        write_task(folder)
        print(f"wrote task {task_id!r} in {folder}")
        print(f"curate its pool with: python -m perfcount curate {folder.parent} -o dataset.jsonl")
        return 0


def write_task(folder: Path) -> None:
    """Write the template task into ``folder`` (tests.json computed by the trusted solution)."""
    from perfcount._util import plain

    (folder / "solutions").mkdir(parents=True, exist_ok=True)
    (folder / "task.json").write_text(json.dumps(_TASK_JSON, indent=2) + "\n")
    (folder / "README.md").write_text(_README.format(task_id=folder.resolve().name))
    (folder / "inputs.py").write_text(_INPUTS)
    for name, source in _SOLUTIONS.items():
        (folder / "solutions" / name).write_text(source)
    # expected outputs from the trusted solution, run here on the template's own code
    env: dict[str, object] = {}
    exec(compile(_INPUTS, "inputs.py", "exec"), env)
    trusted: dict[str, object] = {}
    exec(compile(_SOLUTIONS[str(_TASK_JSON["trusted"])], "trusted.py", "exec"), trusted)
    fn = trusted[str(_TASK_JSON["entry_point"])]
    inputs = env["test_inputs"]()  # type: ignore[operator]
    expected = [fn(*args) for args in inputs]  # type: ignore[operator]
    tests = {"inputs": plain.encode(inputs), "expected": plain.encode(expected)}
    (folder / "tests.json").write_text(json.dumps(tests) + "\n")
