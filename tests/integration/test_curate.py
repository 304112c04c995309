"""perfcount.curate / ``python -m perfcount curate`` on small real pools.

The pool is written here: three tasks of six solutions each with clearly
different complexity, small inputs so that callgrind stays quick. Costs are
deterministic under the valgrind backend, so the cluster structure is exact.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from perfcount.errors import DatasetError, InvalidArgument
from perfcount.pipeline.curation import CurationReport, curate, load_pool

# --------------------------------------------------------------------------
# the pool

PRIMES = {
    # ~n^2 / log n: every number tried against every smaller divisor
    "trial_all": """
def count_primes(n):
    count = 0
    for k in range(2, n):
        for d in range(2, k):
            if k % d == 0:
                break
        else:
            count += 1
    return count
""",
    # n * sqrt(n) with the Python-level divisor loop
    "trial_sqrt": """
def count_primes(n):
    count = 0
    for k in range(2, n):
        d = 2
        while d * d <= k:
            if k % d == 0:
                break
            d += 1
        else:
            count += 1
    return count
""",
    # a generator over all primes so far for each k (filtering is O(#primes))
    "trial_primes": """
def count_primes(n):
    primes = []
    for k in range(2, n):
        if all(k % p for p in primes if p * p <= k):
            primes.append(k)
    return len(primes)
""",
    "sieve_loop": """
def count_primes(n):
    if n < 3:
        return 0
    flags = [True] * n
    flags[0] = flags[1] = False
    for i in range(2, n):
        if flags[i]:
            for j in range(i * i, n, i):
                flags[j] = False
    return sum(flags)
""",
    "sieve_slices": """
def count_primes(n):
    if n < 3:
        return 0
    flags = bytearray([1]) * n
    flags[0] = flags[1] = 0
    for i in range(2, int(n ** 0.5) + 1):
        if flags[i]:
            flags[i * i :: i] = bytes(len(range(i * i, n, i)))
    return sum(flags)
""",
    # wrong: counts 1 as a prime
    "wrong_counts_one": """
def count_primes(n):
    return sum(1 for k in range(1, n) if all(k % d for d in range(2, int(k ** 0.5) + 1)))
""",
}
PRIMES_GENERATOR = """
def perf_input_gen(scale):
    return [[100 * scale]]
"""

PAIRS = {
    # n^2 ordered pairs, each unordered pair seen twice
    "full_double": """
def count_pairs(xs, target):
    n = len(xs)
    count = 0
    for i in range(n):
        for j in range(n):
            if j > i and xs[i] + xs[j] == target:
                count += 1
    return count
""",
    "double_loop": """
def count_pairs(xs, target):
    n = len(xs)
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            if xs[i] + xs[j] == target:
                count += 1
    return count
""",
    "double_loop_difference": """
def count_pairs(xs, target):
    n = len(xs)
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            if target - xs[j] == xs[i]:
                count += 1
    return count
""",
    # n^2 / 2 comparisons, but inside list.count (C)
    "slice_count": """
def count_pairs(xs, target):
    count = 0
    for i, x in enumerate(xs):
        count += xs[i + 1:].count(target - x)
    return count
""",
    "sort_two_pointers": """
def count_pairs(xs, target):
    a = sorted(xs)
    i, j, count = 0, len(a) - 1, 0
    while i < j:
        s = a[i] + a[j]
        if s < target:
            i += 1
        elif s > target:
            j -= 1
        elif a[i] == a[j]:
            k = j - i + 1
            count += k * (k - 1) // 2
            break
        else:
            li, rj = 1, 1
            while i + li < j and a[i + li] == a[i]:
                li += 1
            while j - rj > i and a[j - rj] == a[j]:
                rj += 1
            count += li * rj
            i += li
            j -= rj
    return count
""",
    "counter": """
from collections import Counter

def count_pairs(xs, target):
    c = Counter(xs)
    total = 0
    for x, k in c.items():
        y = target - x
        if y > x:
            total += k * c.get(y, 0)
        elif y == x:
            total += k * (k - 1) // 2
    return total
""",
}

SORT = {
    "bubble": """
def sort_list(xs):
    a = list(xs)
    n = len(a)
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
    return a
""",
    "bubble_reversed_test": """
def sort_list(xs):
    a = list(xs)
    n = len(a)
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j + 1] < a[j]:
                a[j], a[j + 1] = a[j + 1], a[j]
    return a
""",
    "merge": """
def sort_list(xs):
    if len(xs) <= 1:
        return list(xs)
    mid = len(xs) // 2
    left, right = sort_list(xs[:mid]), sort_list(xs[mid:])
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out + left[i:] + right[j:]
""",
    "merge_extend": """
def sort_list(xs):
    if len(xs) <= 1:
        return list(xs)
    mid = len(xs) // 2
    left, right = sort_list(xs[:mid]), sort_list(xs[mid:])
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out
""",
    "sorted_builtin": """
def sort_list(xs):
    return sorted(xs)
""",
    "list_sort": """
def sort_list(xs):
    a = list(xs)
    a.sort()
    return a
""",
}


needs_qemu = pytest.mark.needs_qemu


def _rows() -> list[dict]:
    rng = random.Random(1)
    pairs_input = [rng.randrange(100) for _ in range(300)]
    sort_input = [rng.randrange(1000) for _ in range(200)]
    return [
        {
            "task_id": "count_primes",
            "entry_point": "count_primes",
            "description": "Number of primes below n.",
            "solutions": list(PRIMES.values()),
            "solution_names": list(PRIMES),
            "input_generator": PRIMES_GENERATOR,
            "scale": 8,
            "tests": [[0], [1], [2], [3], [10], [30], [100]],
            "expected": [0, 0, 0, 1, 4, 10, 25],
        },
        {
            "task_id": "count_pairs",
            "entry_point": "count_pairs",
            "description": "Pairs i < j with xs[i] + xs[j] == target.",
            "solutions": list(PAIRS.values()),
            "solution_names": list(PAIRS),
            "pe_input": [[pairs_input, 100]],
            # expected outputs come from the first solution that runs them all
            "tests": [[[1, 2, 3, 4], 5], [[], 3], [[5, 5, 5], 10], [[1, 99, 50, 50, 3, 97], 100]],
        },
        {
            "task_id": "sort_list",
            "entry_point": "sort_list",
            "solutions": list(SORT.values()),
            "solution_names": list(SORT),
            "pe_input": [[sort_input]],
            "tests": [[[]], [[3, 1, 2]], [[5, 5, -1, 0]]],
            "expected": [[], [1, 2, 3], [-1, 0, 5, 5]],
        },
    ]


@pytest.fixture(scope="module")
def pool_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pool") / "pool.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()))
    return path


@pytest.fixture(scope="module")
def report(pool_file: Path, tmp_path_factory: pytest.TempPathFactory) -> CurationReport:
    out = tmp_path_factory.mktemp("out") / "curated.jsonl"
    return curate(pool_file, backend="valgrind", progress=False, output=out, name="test-pool")


# --------------------------------------------------------------------------
# the valgrind curation of the pool


@pytest.mark.needs_valgrind
def test_kept_and_dropped_tasks(report: CurationReport) -> None:
    assert report.backend == "valgrind"
    assert report.metric == "instructions"
    assert [o.task_id for o in report.outcomes] == ["count_primes", "count_pairs", "sort_list"]
    assert list(report) == ["count_primes", "count_pairs"]
    sort = report.outcome("sort_list")
    assert not sort.kept
    assert sort.reason == "only 3 cluster(s) < min_clusters 4"
    assert sort.dropped_solutions == {}
    assert set(sort.costs) == set(SORT)  # profiled before the cluster filter


@pytest.mark.needs_valgrind
def test_clusters_and_references(report: CurationReport) -> None:
    primes = report.outcome("count_primes")
    assert primes.references == (
        "trial_all",
        "trial_primes",
        "trial_sqrt",
        "sieve_loop",
        "sieve_slices",
    )
    assert primes.cluster_sizes == (1, 1, 1, 1, 1)
    assert primes.scale == 8

    pairs = report.outcome("count_pairs")
    assert pairs.n_clusters == 5
    assert pairs.references == (
        "full_double",
        "double_loop",  # double_loop_difference costs about the same: same cluster
        "slice_count",
        "sort_two_pointers",
        "counter",
    )
    assert pairs.cluster_sizes == (1, 2, 1, 1, 1)
    assert pairs.scale is None  # pe_input given
    for o in (primes, pairs):
        costs = o.reference_costs
        assert list(costs) == sorted(costs, reverse=True)
        assert all(c >= 10_000 for c in o.costs.values())


@pytest.mark.needs_valgrind
def test_failing_solution_dropped_and_reported(report: CurationReport) -> None:
    primes = report.outcome("count_primes")
    assert list(primes.dropped_solutions) == ["wrong_counts_one"]
    assert "wrong_counts_one" not in primes.costs
    table_text = _render(report.table())
    assert "wrong_counts_one" in table_text
    assert "only 3 cluster(s)" in table_text


@pytest.mark.needs_valgrind
def test_written_dataset_lines(report: CurationReport, pool_file: Path) -> None:
    from perfcount.dpe.datasets import load_dataset

    lines = report.lines()
    pairs = next(line for line in lines if line["task_id"] == "count_pairs")
    assert pairs["reference"] == [
        PAIRS[n]
        for n in ("full_double", "double_loop", "slice_count", "sort_two_pointers", "counter")
    ]
    assert pairs["scores"] == pytest.approx([100 / 6, 50, 200 / 3, 250 / 3, 100])
    assert pairs["cluster_sizes"] == [1, 2, 1, 1, 1]
    assert pairs["expected"] == [2, 0, 3, 3]  # from the first solution that passed
    assert pairs["pe_input"] == json.loads(pool_file.read_text().splitlines()[1])["pe_input"]
    cur = pairs["curation"]
    assert cur["backend"] == "valgrind" and cur["metric"] == "instructions"
    assert set(cur["costs"]) == set(PAIRS)
    assert pairs["reference_costs"] == [cur["costs"][n] for n in cur["reference_names"]]
    # deterministic: sorted keys, no timestamp inside task lines
    assert list(pairs) == sorted(pairs)
    assert "created" not in json.dumps(pairs)

    ds = load_dataset(report.path)
    assert list(ds) == ["count_primes", "count_pairs"]
    assert list(ds["count_primes"].scores) == pytest.approx([20, 40, 60, 80, 100])


# --------------------------------------------------------------------------
# scale search with a generator


@needs_qemu
def test_scale_search_stops_at_the_cost_cap() -> None:
    # any counted backend: qemu, the fastest (the search's final check counts the slowest
    # solution at the chosen scale, and again at half of it when that is over the cap)
    row = _rows()[0]
    del row["scale"]
    cap = 30_000_000  # trial_all: ~22M instructions at scale 8, ~3.5x that at 16
    rep = curate([row], backend="qemu", progress=False, max_cost=cap)
    o = rep.outcome("count_primes")
    assert o.kept, o.reason
    assert o.scale == 8
    assert max(o.costs.values()) <= cap
    assert rep.lines()[0]["pe_input"] == [[800]]


@pytest.mark.needs_valgrind
def test_scale_search_stops_at_the_time_wall() -> None:
    row = _rows()[0]
    del row["scale"]
    # a correct solution that never finishes from n >= 1600 (scale 16) on
    row["solutions"].append(
        "def count_primes(n):\n"
        "    while n >= 1600:\n"
        "        pass\n"
        "    return sum(all(k % d for d in range(2, k)) for k in range(2, n))\n"
    )
    row["solution_names"].append("stalls_from_1600")
    rep = curate([row], backend="valgrind", progress=False, time_wall=1.0, max_cost=1e9)
    o = rep.outcome("count_primes")
    assert o.scale == 8
    assert "stalls_from_1600" in o.costs


def test_software_backend_and_the_cv_filter() -> None:
    """task-clock costs (noisy): the P99 CV filter applies; max_cv=0 must drop the task."""
    row = _rows()[0]
    kept = curate(
        [row], backend="software", progress=False, min_cost=0, max_cv=10.0, min_clusters=1
    )
    o = kept.outcome("count_primes")
    assert kept.metric == "task-clock"
    assert o.kept, o.reason
    assert set(o.costs) == set(PRIMES) - {"wrong_counts_one"}
    assert kept.lines()[0]["curation"]["metric"] == "task-clock"

    noisy = curate(
        [row], backend="software", progress=False, min_cost=0, max_cv=0.0, min_clusters=1
    )
    assert noisy.outcome("count_primes").reason.startswith(
        "too noisy: P99 coefficient of variation"
    )


def test_workers_keep_pool_order() -> None:
    """Two tasks curated at once (one runner pair per worker thread), reported in pool order."""
    rows = _rows()
    rep = curate(
        rows, backend="software", workers=2, progress=False, min_cost=0, max_cv=10.0, min_clusters=1
    )
    assert [o.task_id for o in rep.outcomes] == [r["task_id"] for r in rows]
    assert all(o.kept for o in rep.outcomes), [o.reason for o in rep.outcomes]


# --------------------------------------------------------------------------
# pool directories, bad input, the CLI


def _write_task_dir(root: Path, row: dict, scale: int) -> None:
    d = root / row["task_id"]
    (d / "solutions").mkdir(parents=True)
    (d / "task.json").write_text(json.dumps({"entry_point": row["entry_point"], "scale": scale}))
    (d / "README.md").write_text(row["description"] + "\n")
    (d / "inputs.py").write_text(row["input_generator"])
    (d / "tests.json").write_text(json.dumps({"inputs": row["tests"], "expected": row["expected"]}))
    for name, src in zip(row["solution_names"], row["solutions"]):
        (d / "solutions" / f"{name}.py").write_text(src)


def test_malformed_pool_names_file_and_line(tmp_path: Path) -> None:
    good = _rows()[2]
    path = tmp_path / "pool.jsonl"
    path.write_text(json.dumps(good) + "\n" + '{"task_id": "x", "entry_point": \n')
    with pytest.raises(DatasetError) as err:
        load_pool(path)
    assert err.value.location == f"{path}:2"
    assert "not valid JSON" in str(err.value)

    bad = dict(good, task_id="y")
    del bad["solutions"]
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n")
    with pytest.raises(DatasetError) as err:
        curate(path, backend="valgrind", progress=False)
    assert err.value.location == f"{path}:3: solutions"

    bad = dict(good, task_id="z", tests=[[1]], expected=[1, 2])
    path.write_text(json.dumps(bad) + "\n")
    with pytest.raises(
        DatasetError, match=r"pool.jsonl:1: expected: must be a list with one output"
    ):
        load_pool(path)

    no_input = {k: v for k, v in good.items() if k != "pe_input"}
    with pytest.raises(DatasetError, match=r"pe_input .*input_generator"):
        load_pool([no_input])

    with pytest.raises(DatasetError, match="duplicate task_id"):
        load_pool([good, good])


def test_pool_rows_are_normalised() -> None:
    row = {
        "task_id": "t",
        "entry_point": "f",
        "solutions": ["def f(x):\n    return x\n"] * 10,
        "pe_input": "[[1], [2]]",  # EvalPerf stores pe_input as a JSON string
        "trusted": "solution_03.py",
    }
    (out,) = load_pool([row])
    assert out["solution_names"][0] == "solution_01" and out["solution_names"][-1] == "solution_10"
    assert out["pe_input"] == [[1], [2]]
    assert out["trusted"] == "solution_03"
    with pytest.raises(DatasetError, match="trusted: 'nope' is not one of the solution names"):
        load_pool([dict(row, trusted="nope")])
    with pytest.raises(DatasetError, match="entry_point: 'f-1' is not a Python identifier"):
        load_pool([dict(row, entry_point="f-1")])


def test_bad_arguments() -> None:
    rows = _rows()
    with pytest.raises(InvalidArgument, match="unknown task id"):
        curate(rows, tasks=["nope"], progress=False)
    with pytest.raises(InvalidArgument, match="min_clusters"):
        curate(rows, min_clusters=0, progress=False)


@pytest.mark.needs_valgrind
def test_cli_curate_pool_directory(tmp_path: Path) -> None:
    """A directory of task folders through ``python -m perfcount curate``."""
    pool = tmp_path / "pool"
    _write_task_dir(pool, _rows()[0], scale=4)
    out = tmp_path / "primes.jsonl"
    summary = tmp_path / "report.json"
    argv = [sys.executable, "-m", "perfcount", "curate", str(pool), "-o", str(out)]
    argv += [
        "--backend",
        "valgrind",
        "--name",
        "primes",
        "--version",
        "7",
        "--report",
        str(summary),
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert "count_primes" in proc.stdout and "1 of 1 task(s) kept" in proc.stdout
    assert "[1/1] count_primes: kept, " in proc.stderr  # progress lines off a terminal
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    header, task = lines[0], lines[1]
    assert header["name"] == "primes" and header["version"] == "7"
    assert header["format"] == "perfcount-dataset" and header["backend"] == "valgrind"
    assert task["task_id"] == "count_primes"
    assert task["curation"]["scale"] == 4  # from task.json
    assert task["pe_input"] == [[400]]
    assert task["description"] == "Number of primes below n."
    assert task["curation"]["reference_names"][0] == "trial_all"
    assert task["curation"]["reference_names"][-1] == "sieve_slices"
    assert task["curation"]["dropped"] == {
        "wrong_counts_one": json.loads(summary.read_text())["tasks"][0]["dropped_solutions"][
            "wrong_counts_one"
        ]
    }

    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfcount",
            "curate",
            str(tmp_path / "missing.jsonl"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "missing.jsonl: no such file or directory" in bad.stderr
    assert "Traceback" not in bad.stderr


def _render(table: object) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    with console.capture() as cap:
        console.print(table)
    return cap.get()
