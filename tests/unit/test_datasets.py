"""Dataset format: EvalPerf and perfcount JSONL, validation messages, round-trip, names."""

from __future__ import annotations

import gzip
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import perfcount
from perfcount._util import plain
from perfcount.dpe.datasets import (
    FORMAT_VERSION,
    Dataset,
    Task,
    UnknownTask,
    available_datasets,
    entry_point_from_references,
    load_dataset,
    write_dataset,
)
from perfcount.dpe.scoring import ReferenceSet
from perfcount.errors import DatasetError

DATA = Path(__file__).resolve().parent.parent / "data"
EVALPERF_MINI = DATA / "evalperf-mini.jsonl"
EVALPERF_HF = DATA / "evalperf-hf.jsonl"  # the Hugging Face rows: pe_input a JSON string
EVALPERF_RELEASE = DATA / "evalperf-release.jsonl"  # the release rows: no entry_point


def row(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "task_id": "t/1",
        "entry_point": "f",
        "reference": ["def f(x):\n    return sorted(x)\n", "def f(x):\n    return x\n"],
        "scores": [40.0, 100.0],
        "pe_input": [[[3, 1, 2]]],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not _DROP}


_DROP = object()


def write_lines(tmp_path: Path, *lines: Any, name: str = "d.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return p


# ------------------------------------------------------------------ EvalPerf files


def test_evalperf_fixture_loads_as_is() -> None:
    ds = load_dataset(EVALPERF_MINI)
    assert ds.format == "evalperf" and ds.format_version is None
    assert ds.name == "evalperf-mini" and ds.version == ""
    assert list(ds) == ["HumanEval/55", "Mbpp/3", "HumanEval/16"]
    fib = ds["HumanEval/55"]
    assert fib.entry_point == "fib"
    assert fib.pe_input == [[25]]  # was the JSON string "[[25]]"
    assert fib.inputs() == [[25]]
    assert fib.scores == (31.25, 68.75, 100.0)
    assert len(fib.reference) == 3 and fib.reference[0].startswith("def fib")
    assert not fib.has_tests and fib.tests == [] and fib.expected is None
    assert fib.description.startswith("\n\ndef fib") and "prompt" in fib.extra
    assert ds["Mbpp/3"].inputs() == [[1000003]]  # pe_input given as a value
    assert len(ds["HumanEval/16"].inputs()[0][0]) == 144


def test_evalperf_references_compile_and_agree() -> None:
    # the hand-written fixture is real code: every reference gives the same answer
    for task in load_dataset(EVALPERF_MINI).values():
        answers = set()
        for source in task.reference:
            namespace: dict[str, Any] = {}
            exec(compile(source, task.task_id, "exec"), namespace)
            answers.add(repr(namespace[task.entry_point](*task.inputs()[0])))
        assert len(answers) == 1, task.task_id


# ------------------------------------------------------------------ round trip


def full_task() -> Task:
    return Task(
        task_id="pc/pairs",
        entry_point="count_pairs",
        reference=("def count_pairs(xs, k): ...\n", "def count_pairs(xs, k): return 0\n"),
        scores=(37.5, 100.0),
        pe_input=[plain.encode([[1, 2, 3], 4]), plain.encode([(1, 2), {"a": {1, 2}}])],
        description="Count pairs summing to k.",
        tests=[plain.encode([(1, 2), 3]), plain.encode([[], 0])],
        expected=[plain.encode((0, 1.5)), plain.encode(float("nan"))],
        atol=1e-9,
        rtol=1e-6,
        cluster_sizes=(3, 5),
        reference_costs=(2.5e6, 1.25e5),
        curation={
            "backend": "valgrind",
            "metric": "instructions",
            "scale": 8,
            "machine": {"cpu": "x"},
        },
        extra={"family": "arrays", "difficulty": "easy"},
    )


def test_round_trip_is_exact(tmp_path: Path) -> None:
    task = full_task()
    command = Task(
        task_id="sys/hist",
        language="c",
        build=["cc", "-O2", "-o", "hist", "hist.c"],
        run=["./hist"],
        baseline="naive.c",
        expert="simd.c",
        pe_input=["stdin text"],
        curation={"backend": "valgrind"},
    )
    ds = Dataset([task, command], name="mini", version="3", header={"machine": "box"})
    path = write_dataset(ds, tmp_path / "mini.jsonl", created="2026-01-02T03:04:05Z")
    back = load_dataset(path)
    assert back.format == "perfcount-dataset" and back.format_version == FORMAT_VERSION
    assert (back.name, back.version) == ("mini", "3")
    assert back.header["created"] == "2026-01-02T03:04:05Z" and back.header["machine"] == "box"
    assert back.header["backend"] == "valgrind"
    assert back["pc/pairs"] == task and back["sys/hist"] == command
    assert dict(back) == dict(ds)
    assert back["sys/hist"].is_command and back["sys/hist"].entry_point == ""
    # decoded helpers give the original Python values back
    assert back["pc/pairs"].inputs() == [[[1, 2, 3], 4], [(1, 2), {"a": {1, 2}}]]
    assert back["pc/pairs"].test_inputs() == [[(1, 2), 3], [[], 0]]
    # writing what was read gives the same bytes
    again = write_dataset(back, tmp_path / "again.jsonl")
    assert again.read_text() == path.read_text()


def test_round_trip_of_evalperf_and_gzip(tmp_path: Path) -> None:
    ds = load_dataset(EVALPERF_MINI)
    out = write_dataset(ds, tmp_path / "ep.jsonl.gz", version="1")
    with gzip.open(out, "rt") as fh:
        header = json.loads(fh.readline())
    assert header["format"] == "perfcount-dataset" and header["name"] == "evalperf-mini"
    back = load_dataset(out)
    assert dict(back) == dict(ds) and back.version == "1"


def test_write_refuses_non_json_values(tmp_path: Path) -> None:
    bad = Task(task_id="x", entry_point="f", pe_input=[[float("nan")]])
    with pytest.raises(DatasetError, match="task 'x' is not JSON-serialisable"):
        write_dataset([bad], tmp_path / "x.jsonl")
    assert not (tmp_path / "x.jsonl").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary file left behind


def test_task_reference_set() -> None:
    task = full_task()
    refs = task.reference_set()
    assert isinstance(refs, ReferenceSet)
    assert refs.costs == (2.5e6, 1.25e5) and refs.sizes == (3, 5)
    assert task.reference_set([3e6, 1e5]).score(2e5).dps == 37.5
    with pytest.raises(DatasetError, match="pc/x: reference_costs: task stores no reference_costs"):
        Task(task_id="pc/x", entry_point="f", reference=("a",), scores=(100.0,)).reference_set()


# ------------------------------------------------------------------ validation messages


@pytest.mark.parametrize(
    ("bad_row", "where", "message"),
    [
        (row(task_id=_DROP), "task_id", "missing required field"),
        (row(task_id=7), "task_id", "must be a non-empty string, got 7"),
        (row(entry_point=_DROP, reference=[], scores=[]), "entry_point", "missing required field"),
        (
            row(entry_point=_DROP, reference=["def f(): pass\n", "def g(): pass\n"]),
            "entry_point",
            "missing, and no top-level function is defined by every reference (they define 'f', 'g')",
        ),
        (
            row(input_rule="evalplus-mbpp:nope"),
            "input_rule",
            "unknown input rule 'evalplus-mbpp:nope'",
        ),
        (
            row(input_rule="evalplus-mbpp:tuple_second_arg"),
            "pe_input",
            "pe_input[0] does not fit input rule evalplus-mbpp:tuple_second_arg "
            "(TypeError: expected at least two arguments, got 1)",
        ),
        (row(scores=[40.0, 100.000001]), "scores", "scores[1] is 100.000001, outside 0-100"),
        (
            row(scores=[50.0, 49.99999]),
            "scores",
            "scores[1] is 49.99999 after 50.0; cumulative scores must be non-decreasing slow -> fast",
        ),
        (
            row(reference="def f(): pass"),
            "reference",
            "must be a list of source strings (slow -> fast)",
        ),
        (row(scores=_DROP), "scores", "missing (one cumulative score per reference)"),
        (row(scores=[100.0]), "scores", "1 scores for 2 references; give one score per reference"),
        (row(scores=[40.0, 120.0]), "scores", "scores[1] is 120.0, outside 0-100"),
        (row(scores=[-1, 100]), "scores", "scores[0] is -1, outside 0-100"),
        (
            row(scores=[60.0, 50.0]),
            "scores",
            "scores[1] is 50.0 after 60.0; cumulative scores must be non-decreasing slow -> fast",
        ),
        (row(scores=["40", 100]), "scores", "scores[0] is '40', not a number"),
        (row(pe_input="[[1,"), "pe_input", "a string that is not valid JSON (Expecting value)"),
        (row(pe_input={"x": 1}), "pe_input", "must be a list of argument lists, got dict"),
        (row(pe_input=[[1], 2]), "pe_input", "pe_input[1] is a int, not an argument list"),
        (row(tests=[[1]], expected=[1, 2]), "expected", "2 expected outputs for 1 tests"),
        (row(atol=-1), "atol", "must be a finite number >= 0, got -1"),
        (row(cluster_sizes=[1]), "cluster_sizes", "must be 2 positive integers, got [1]"),
        (
            row(reference_costs=[10.0, -1]),
            "reference_costs",
            "reference_costs[1] is -1; costs are finite and >= 0",
        ),
        (row(curation=[1]), "curation", "must be an object, got list"),
        (row(run=5), "run", "must be a command string or a list of strings"),
    ],
)
def test_validation_errors_name_file_line_and_field(
    tmp_path: Path, bad_row: dict, where: str, message: str
) -> None:
    path = write_lines(tmp_path, row(task_id="ok/1"), bad_row)
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    first_line = str(info.value).splitlines()[0]
    assert first_line == f"{path}:2: {where}: {message}"
    assert (info.value.path, info.value.line, info.value.field) == (str(path), 2, where)


def test_bad_json_and_non_object_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path, row(), "", '{"task_id": "x", ')
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert (
        str(info.value)
        == f"{path}:3: not valid JSON (Expecting property name enclosed in double quotes at column 18)"
    )
    path = write_lines(tmp_path, "[1, 2]", name="list.jsonl")
    with pytest.raises(
        DatasetError, match=r"list.jsonl:1: expected a JSON object \(one task\), got list$"
    ):
        load_dataset(path)


def test_duplicate_task_id(tmp_path: Path) -> None:
    path = write_lines(tmp_path, row(), row(task_id="t/2"), row())
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert str(info.value) == f"{path}:3: task_id: duplicate task_id 't/1' (first on line 1)"


def test_header_checks(tmp_path: Path) -> None:
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "h", "version": "2"}
    ds = load_dataset(write_lines(tmp_path, header, row()))
    assert (ds.name, ds.version, ds.format, len(ds)) == ("h", "2", "perfcount-dataset", 1)
    empty = load_dataset(write_lines(tmp_path, header, name="empty.jsonl"))
    assert len(empty) == 0 and empty.name == "h"

    newer = write_lines(tmp_path, {**header, "format_version": 99}, row(), name="newer.jsonl")
    with pytest.raises(DatasetError) as info:
        load_dataset(newer)
    assert str(info.value) == (
        f"{newer}:1: format_version: 99 is newer than this perfcount reads (1)\n  hint: upgrade perfcount"
    )
    other = write_lines(tmp_path, {"format": "results", "format_version": 1}, name="other.jsonl")
    with pytest.raises(DatasetError, match=r"other.jsonl:1: format: unknown format 'results'"):
        load_dataset(other)
    late = write_lines(tmp_path, row(), header, name="late.jsonl")
    with pytest.raises(DatasetError, match=r"late.jsonl:2: a header object must be the first line"):
        load_dataset(late)


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"nope.jsonl: dataset file not found"):
        load_dataset(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetError, match=r"missing/file.jsonl: dataset file not found"):
        load_dataset("missing/file.jsonl")
    with pytest.raises(DatasetError, match="empty dataset file"):
        load_dataset(write_lines(tmp_path, "", name="blank.jsonl"))
    with pytest.raises(DatasetError, match="is a directory"):
        load_dataset(tmp_path)
    (tmp_path / "latin.jsonl").write_bytes(b'{"task_id": "\xe9"}\n')
    with pytest.raises(DatasetError, match="not UTF-8 text"):
        load_dataset(tmp_path / "latin.jsonl")


def test_command_task_needs_no_entry_point(tmp_path: Path) -> None:
    ds = load_dataset(
        write_lines(
            tmp_path,
            {"task_id": "c/1", "language": "cpp", "run": "./a.out", "pe_input": ["1 2 3\n"]},
        )
    )
    task = ds["c/1"]
    assert task.is_command and task.language == "cpp" and task.pe_input == ["1 2 3\n"]


def test_task_from_dict_without_a_file() -> None:
    with pytest.raises(DatasetError) as info:
        Task.from_dict({"task_id": "x", "entry_point": "f", "scores": [1], "reference": []})
    assert str(info.value) == "scores: 1 scores for 0 references; give one score per reference"
    assert Task.from_dict(full_task().to_dict()) == full_task()


# ------------------------------------------------------------------ Dataset mapping


def test_dataset_mapping_and_unknown_task() -> None:
    ds = load_dataset(EVALPERF_MINI)
    assert "Mbpp/3" in ds and "Mbpp/4" not in ds and len(ds) == 3
    assert ds.get("Mbpp/4") is None
    with pytest.raises(UnknownTask) as info:
        ds["HumanEval/5"]
    assert isinstance(info.value, KeyError)
    assert str(info.value) == (
        "unknown task 'HumanEval/5' in evalperf-mini (3 tasks)\n  hint: did you mean 'HumanEval/55', 'HumanEval/16'?"
    )
    with pytest.raises(DatasetError, match="duplicate task_id 'a'"):
        Dataset([Task(task_id="a", entry_point="f"), Task(task_id="a", entry_point="g")])
    assert "tasks=3" in repr(ds) and [t.task_id for t in ds.tasks] == list(ds)


# ------------------------------------------------------------------ built-in names


@pytest.fixture
def builtin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "pkg"
    (root / "_datasets").mkdir(parents=True)
    write_dataset(
        [full_task()], root / "_datasets" / "tiny-set.jsonl", name="tiny-set", version="1"
    )
    monkeypatch.setattr(perfcount, "__path__", [*perfcount.__path__, str(root)])
    return root


def test_builtin_names(builtin_dir: Path) -> None:
    assert available_datasets()["tiny-set"] == builtin_dir / "_datasets" / "tiny-set.jsonl"
    ds = load_dataset("tiny-set")
    assert ds.name == "tiny-set" and list(ds) == ["pc/pairs"]
    with pytest.raises(DatasetError) as info:
        load_dataset("tiny-sat")
    text = str(info.value)
    assert text.startswith("unknown dataset 'tiny-sat' (built-in: ")
    assert "tiny-set" in text and "did you mean 'tiny-set'?" in text


def test_load_speed_scale_file_loads(tmp_path: Path) -> None:
    # a 1000-task file loads (timing lives in benchmarks/, not here)
    tasks = [
        Task.from_dict(row(task_id=f"t/{i}", pe_input=json.dumps([[list(range(200))]])))
        for i in range(1000)
    ]
    path = write_dataset(tasks, tmp_path / "big.jsonl")
    ds = load_dataset(str(path))
    assert len(ds) == 1000 and ds["t/999"].inputs() == [[list(range(200))]]


# ------------------------------------------------------------------ hf:


def test_hf_without_the_datasets_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets -> ImportError
    with pytest.raises(DatasetError) as info:
        load_dataset("hf:evalplus/evalperf")
    assert "needs the optional 'datasets' package" in str(info.value)
    assert "pip install datasets" in str(info.value)


def test_hf_shadowed_by_a_datasets_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    # the repository's own datasets/ folder imports as an empty namespace package
    monkeypatch.setitem(sys.modules, "datasets", types.ModuleType("datasets"))
    with pytest.raises(DatasetError, match="needs the optional 'datasets' package"):
        load_dataset("hf:evalplus/evalperf")


def test_hf_offline_and_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    # No network here: a stand-in for the `datasets` package at its public entry point.
    fake = types.ModuleType("datasets")
    rows = [json.loads(line) for line in EVALPERF_MINI.read_text().splitlines()]

    class Split:
        def to_list(self) -> list[dict]:
            return rows

    def offline(repo: str, split: str) -> Split:
        raise ConnectionError(f"Couldn't reach '{repo}' on the Hub (LocalEntryNotFoundError)")

    fake.load_dataset = offline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datasets", fake)
    with pytest.raises(DatasetError) as info:
        load_dataset("hf:evalplus/evalperf")
    assert str(info.value).startswith(
        "hf:evalplus/evalperf: could not load split 'test' (ConnectionError: Couldn't reach"
    )
    fake.load_dataset = lambda repo, split: Split()  # type: ignore[attr-defined]
    ds = load_dataset("hf:evalplus/evalperf")
    assert ds.format == "evalperf" and ds.name == "evalperf" and len(ds) == 3
    assert ds["HumanEval/55"].inputs() == [[25]]
    with pytest.raises(DatasetError, match="expected hf:ORG/NAME"):
        load_dataset("hf:evalperf")


def test_public_aliases() -> None:
    assert perfcount.load_dataset is load_dataset
    assert perfcount.Dataset is Dataset and perfcount.Task is Task


def test_task_repr_is_short_and_mixed_backends_leave_the_header_alone(tmp_path: Path) -> None:
    task = full_task()
    assert (
        repr(task)
        == "Task('pc/pairs', entry_point='count_pairs', references=2, pe_inputs=2, tests=2)"
    )
    other = Task(task_id="o", entry_point="g", curation={"backend": "perf"})
    path = write_dataset([task, other], tmp_path / "mixed.jsonl", name="mixed")
    header = json.loads(path.read_text().splitlines()[0])
    assert "backend" not in header and header["name"] == "mixed" and header["version"] == ""


# ------------------------------------------------------------------ EvalPerf's real layouts


def test_hf_layout_loads_as_it_is() -> None:
    ds = load_dataset(EVALPERF_HF)
    assert ds.format == "evalperf" and list(ds) == ["HumanEval/23", "HumanEval/60", "Mbpp/106"]
    strlen = ds["HumanEval/23"]
    assert strlen.entry_point == "strlen" and strlen.description.startswith("\n\ndef strlen")
    # stored as 100.00000000000001 (a float sum): exactly 100 here
    assert strlen.scores == (11.11111111111111, 44.44444444444444, 100.0)
    assert strlen.inputs() == [["ab" * 2000]] and strlen.input_rule is None
    # [33.333333333333336, 33.33333333333333, 99.99999999999999]: the 5e-15 dip is levelled,
    # the last is 100
    assert ds["HumanEval/60"].scores == (33.333333333333336, 33.333333333333336, 100.0)
    assert ds["HumanEval/60"].reference_set([3e6, 2e6, 1e6]).score(1.5e6).dps == 33.333333333333336


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([-1e-10, 100], (0.0, 100.0)),
        ([0, 100 + 1e-10], (0.0, 100.0)),
        ([50.0, 50.0 - 1e-10, 99.9999999995], (50.0, 50.0, 100.0)),
        ([50.0, 99.999], (50.0, 99.999)),  # a last score further off stays as it is
    ],
)
def test_scores_within_1e_9_are_normalised(
    tmp_path: Path, scores: list[float], expected: tuple[float, ...]
) -> None:
    refs = [f"def f(x):\n    return {i}\n" for i in range(len(scores))]
    ds = load_dataset(write_lines(tmp_path, row(reference=refs, scores=scores)))
    assert ds["t/1"].scores == expected


def test_release_layout_reads_the_entry_point_off_the_references() -> None:
    ds = load_dataset(EVALPERF_RELEASE)
    # fib: one reference also defines a helper _step; only fib is in all of them
    assert ds["HumanEval/55"].entry_point == "fib"
    assert ds["HumanEval/55"].scores == (25.0, 75.0, 100.0)
    # every reference defines is_prime and count_Primes_nums; is_prime is called by the other
    assert ds["Mbpp/256"].entry_point == "count_Primes_nums"
    for task in ds.values():  # and it is right: the references run under that name
        for source in task.reference:
            namespace: dict[str, Any] = {}
            exec(compile(source, task.task_id, "exec"), namespace)
            namespace[task.entry_point](*task.inputs()[0])


def test_entry_point_from_references() -> None:
    assert (
        entry_point_from_references(["def a():\n    return b()\n\ndef b():\n    return 1\n"]) == "a"
    )
    # a reference that does not parse is left out of the reading
    assert entry_point_from_references(["def a(:", "def a():\n    pass\n"]) == "a"
    with pytest.raises(DatasetError) as info:
        entry_point_from_references(
            ["def a(): pass\ndef b(): pass\n", "def b(): pass\ndef a(): pass\n"]
        )
    assert str(info.value) == (
        "missing, and the references define several functions that could be it: 'a', 'b'\n"
        "  hint: add an entry_point field naming the function to call"
    )
    with pytest.raises(DatasetError, match="no reference parses"):
        entry_point_from_references(["def (", "class"])


def test_an_ambiguous_release_row_names_its_line(tmp_path: Path) -> None:
    both = "def f(x):\n    return x\n\ndef g(x):\n    return x\n"
    path = write_lines(
        tmp_path, row(), row(task_id="t/2", entry_point=_DROP, reference=[both, both])
    )
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert str(info.value).startswith(
        f"{path}:2: entry_point: missing, and the references define several functions "
        "that could be it: 'f', 'g'"
    )
    assert "add an entry_point field" in str(info.value)


def test_evalperf_profiles_the_first_input_only(tmp_path: Path) -> None:
    ds = load_dataset(EVALPERF_HF)
    assert ds["HumanEval/60"].inputs() == [[20000]]
    assert ds["HumanEval/60"].extra["pe_input_dropped"] == 1
    assert "pe_input_dropped" not in ds["HumanEval/23"].extra  # it had one
    every = load_dataset(EVALPERF_HF, evalperf_inputs="all")
    assert every["HumanEval/60"].inputs() == [[20000], [10]]
    assert "pe_input_dropped" not in every["HumanEval/60"].extra
    with pytest.raises(DatasetError, match="evalperf_inputs must be one of 'first', 'all'"):
        load_dataset(EVALPERF_HF, evalperf_inputs="some")
    # perfcount's own files (a header), and headerless rows with perfcount columns, keep all
    two = row(pe_input=[[[1]], [[2]]])
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "h"}
    assert (
        len(load_dataset(write_lines(tmp_path, header, two, name="h.jsonl"))["t/1"].pe_input) == 2
    )
    tested = row(pe_input=[[[1]], [[2]]], tests=[[[1]]])
    assert len(load_dataset(write_lines(tmp_path, tested, name="t.jsonl"))["t/1"].pe_input) == 2
    # a written EvalPerf dataset keeps what it kept, and the count
    back = load_dataset(write_dataset(ds, tmp_path / "ep.jsonl"))
    assert back["HumanEval/60"].inputs() == [[20000]]
    assert back["HumanEval/60"].extra["pe_input_dropped"] == 1


def test_mbpp_rows_get_evalplus_input_rule() -> None:
    task = load_dataset(EVALPERF_HF)["Mbpp/106"]
    assert task.input_rule == "evalplus-mbpp:tuple_second_arg"
    ((test_list, test_tup),) = task.inputs()
    assert test_list == list(range(300)) and test_tup == tuple(range(200))
    assert task.pe_input == [plain.encode([list(range(300)), tuple(range(200))])]
    # the usual correct solution now runs, as under EvalPlus
    namespace: dict[str, Any] = {}
    exec(task.reference[-1], namespace)
    assert namespace["add_lists"](test_list, test_tup) == tuple(range(200)) + tuple(range(300))
    # Mbpp ids in other layouts are left alone (perfcount's Mbpp/106 need not be EvalPlus's)
    mine = Task.from_dict(dict(row(task_id="Mbpp/106", pe_input=[[[1], [2]]])))
    assert mine.input_rule is None and mine.inputs() == [[[1], [2]]]
    as_evalperf = Task.from_dict(
        dict(row(task_id="Mbpp/106", pe_input=[[[1], [2]]])), evalperf=True
    )
    assert as_evalperf.inputs() == [[[1], (2,)]]


def test_rule_round_trip(tmp_path: Path) -> None:
    ds = load_dataset(EVALPERF_HF)
    path = write_dataset(ds, tmp_path / "ep.jsonl")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    mbpp = next(r for r in rows if r.get("task_id") == "Mbpp/106")
    assert mbpp["input_rule"] == "evalplus-mbpp:tuple_second_arg"
    assert mbpp["pe_input"][0][1] == {"$tuple": list(range(200))}  # stored converted
    back = load_dataset(path)
    assert back.format == "perfcount-dataset" and dict(back) == dict(ds)
    assert back["Mbpp/106"].inputs() == ds["Mbpp/106"].inputs()
    assert write_dataset(back, tmp_path / "again.jsonl").read_text() == path.read_text()
    # a hand-written perfcount row with raw lists and a rule is converted too
    header = {"format": "perfcount-dataset", "format_version": 1, "name": "h"}
    raw = row(
        task_id="x", pe_input=[[[1, 2], [3]]], tests=[[[1], [2, 3]]], input_rule=mbpp["input_rule"]
    )
    task = load_dataset(write_lines(tmp_path, header, raw, name="raw.jsonl"))["x"]
    assert task.inputs() == [[[1, 2], (3,)]] and task.test_inputs() == [[[1], (2, 3)]]


def test_hf_rows_in_their_real_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("datasets")
    rows = [json.loads(line) for line in EVALPERF_HF.read_text().splitlines()]
    rows += [json.loads(line) for line in EVALPERF_RELEASE.read_text().splitlines()]

    class Split:
        def to_list(self) -> list[dict]:
            return rows

    fake.load_dataset = lambda repo, split: Split()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datasets", fake)
    ds = load_dataset("hf:evalplus/evalperf")
    assert len(ds) == 5 and ds["HumanEval/23"].scores[-1] == 100.0
    assert ds["Mbpp/106"].input_rule == "evalplus-mbpp:tuple_second_arg"
    assert ds["Mbpp/256"].entry_point == "count_Primes_nums"
    assert ds["HumanEval/60"].inputs() == [[20000]]
    every = load_dataset("hf:evalplus/evalperf", evalperf_inputs="all")
    assert every["HumanEval/60"].inputs() == [[20000], [10]]
