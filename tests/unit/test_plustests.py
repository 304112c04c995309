"""HumanEval+/MBPP+ files and EvalPlus's output comparison (perfcount.dpe.plustests), pure parts."""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from perfcount.dpe import plustests
from perfcount.dpe.plustests import (
    FLOAT_ATOL,
    ORACLES,
    Comparison,
    PlusTask,
    chunks,
    load_plus_tests,
    oracle_for,
    plus_files,
    stored_expected,
)
from perfcount.errors import DatasetError, InvalidArgument

ROOT = Path(__file__).resolve().parents[2]
EVALPLUS = ROOT / "tests" / "data" / "evalplus"
HE = EVALPLUS / "HumanEvalPlus-mini.jsonl.gz"
MBPP = EVALPLUS / "MbppPlus-mini.jsonl"


def _rows(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


# ------------------------------------------------------------------ files


def test_folder_loads_both_files_with_digests_and_oracles() -> None:
    plus = load_plus_tests(EVALPLUS)  # the folder also holds result files: they are not read
    assert sorted(plus) == ["HumanEval/32", "HumanEval/55", "Mbpp/106", "Mbpp/3"]
    files = {Path(f.path).name: f for f in plus.files}
    assert set(files) == {HE.name, MBPP.name}
    # the digest is of the content, so a .gz and its plain copy share cached outputs
    assert files[HE.name].sha256 == hashlib.sha256(gzip.decompress(HE.read_bytes())).hexdigest()
    assert files[MBPP.name].sha256 == hashlib.sha256(MBPP.read_bytes()).hexdigest()
    assert plus.describe() == [
        {"file": HE.name, "sha256": files[HE.name].sha256, "tasks": 2},
        {"file": MBPP.name, "sha256": files[MBPP.name].sha256, "tasks": 2},
    ]
    fib = plus["HumanEval/55"]
    raw = next(r for r in _rows(HE) if r["task_id"] == "HumanEval/55")
    assert fib.source == raw["prompt"] + raw["canonical_solution"]  # as EvalPlus builds it
    assert fib.inputs == raw["base_input"] + raw["plus_input"]
    assert (fib.entry_point, fib.oracle, fib.atol) == ("fib", "exact", 0.0)
    assert (fib.path, fib.line) == (str(HE), 2)
    assert fib.label(0) == "base input 0" and fib.label(5) == "plus input 0"
    assert plus["HumanEval/32"].oracle == "evalplus:find_zero"
    assert plus["HumanEval/32"].atol == 1e-4
    # one file alone, and the same file twice, are fine
    assert sorted(load_plus_tests(MBPP)) == ["Mbpp/106", "Mbpp/3"]
    assert len(load_plus_tests([MBPP, EVALPLUS])) == 4


def test_plus_task_round_trips_as_plain_data() -> None:
    task = load_plus_tests(MBPP)["Mbpp/106"].for_input_rule(None)
    data = json.loads(json.dumps(task.to_dict()))
    assert PlusTask.from_dict(data) == task
    with pytest.raises(InvalidArgument, match="unknown oracle"):
        PlusTask.from_dict({**data, "oracle": "nope"})


def test_folder_problems_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no HumanEval\\+/MBPP\\+ file in this folder") as e:
        plus_files(tmp_path)
    assert "mbppplus_release" in str(e.value)
    (tmp_path / "HumanEvalPlus.jsonl.gz").write_bytes(HE.read_bytes())
    (tmp_path / "HumanEvalPlus-NoExtreme.jsonl").write_bytes(gzip.decompress(HE.read_bytes()))
    with pytest.raises(DatasetError, match="several HumanEvalPlus files") as e:
        plus_files(tmp_path)
    assert "HumanEvalPlus-NoExtreme.jsonl, HumanEvalPlus.jsonl.gz" in str(e.value)
    assert "pass the one to use" in str(e.value)
    # two files of one benchmark given explicitly: the same task twice
    with pytest.raises(DatasetError, match="task 'HumanEval/32' again") as e:
        load_plus_tests(
            [tmp_path / "HumanEvalPlus.jsonl.gz", tmp_path / "HumanEvalPlus-NoExtreme.jsonl"]
        )
    assert f"{tmp_path / 'HumanEvalPlus-NoExtreme.jsonl'}:1: task_id" in str(e.value)
    with pytest.raises(DatasetError, match="file not found"):
        load_plus_tests(tmp_path / "MbppPlus.jsonl")


@pytest.mark.parametrize(
    ("edit", "where", "message"),
    [
        (lambda r: r.pop("plus_input"), "plus_input", "missing required field"),
        (lambda r: r.update(entry_point=3), "entry_point", "must be a string, not int"),
        (
            lambda r: r.update(base_input=[[2], 10]),
            "base_input",
            "base_input[1] must be an argument list, not int",
        ),
        (lambda r: r.update(plus_input={"a": 1}), "plus_input", "must be a list of argument"),
        (lambda r: r.update(atol=-1), "atol", "must be a finite number >= 0"),
        (
            lambda r: r.update(canonical_solution="def f(:\n"),
            "canonical_solution",
            "does not parse",
        ),
        (lambda r: r.update(base_input=[], plus_input=[]), "base_input", "no inputs at all"),
    ],
)
def test_bad_rows_name_file_line_and_field(
    tmp_path: Path, edit: Any, where: str, message: str
) -> None:
    rows = _rows(MBPP)
    edit(rows[1])
    path = _write(tmp_path / "MbppPlus.jsonl", rows)
    with pytest.raises(DatasetError) as e:
        load_plus_tests(path)
    text = str(e.value)
    assert text.startswith(f"{path}:2: {where}: ") and message in text
    assert "canonical_solution, base_input, plus_input and atol" in text  # the hint


def test_bad_json_and_empty_files(tmp_path: Path) -> None:
    path = _write(tmp_path / "MbppPlus.jsonl", [_rows(MBPP)[0], "{oops"])
    with pytest.raises(DatasetError, match=f"{path}:2: not valid JSON"):
        load_plus_tests(path)
    path = _write(tmp_path / "MbppPlus.jsonl", ["[1, 2]"])
    with pytest.raises(DatasetError, match=f"{path}:1: a row must be a JSON object"):
        load_plus_tests(path)
    (tmp_path / "MbppPlus.jsonl").write_text("\n")
    with pytest.raises(DatasetError, match="no tasks in this file"):
        load_plus_tests(tmp_path / "MbppPlus.jsonl")


# ------------------------------------------------------------------ MBPP input rules


def test_input_rule_is_applied_as_evalplus_does() -> None:
    plus = load_plus_tests(MBPP)
    raw = plus["Mbpp/106"]
    assert raw.base_input[0] == [[5, 6, 7], [9, 10]] and raw.input_rule is None
    ready = raw.for_input_rule(None)  # EvalPlus's rule for Mbpp/106
    assert ready.input_rule == "evalplus-mbpp:tuple_second_arg"
    assert ready.base_input[0] == [[5, 6, 7], {"$tuple": [9, 10]}]
    assert ready.plus_input[1] == [[3], {"$tuple": []}]
    assert ready.for_input_rule(ready.input_rule) == ready  # idempotent
    # a task's stored rule wins; tasks without a rule are unchanged
    other = raw.for_input_rule("evalplus-mbpp:tuple_each_arg")
    assert other.base_input[0] == [{"$tuple": [5, 6, 7]}, {"$tuple": [9, 10]}]
    assert plus["Mbpp/3"].for_input_rule(None) is plus["Mbpp/3"]
    with pytest.raises(InvalidArgument, match="unknown input rule"):
        raw.for_input_rule("evalplus-mbpp:nope")
    with pytest.raises(DatasetError) as e:
        plus["Mbpp/3"].for_input_rule("evalplus-mbpp:tuple_second_arg")
    assert str(e.value).startswith(f"{MBPP}:1: base_input: base_input[0] does not fit input rule")


# ------------------------------------------------------------------ the comparison


def _first_failure(cmp: Comparison, cases: list[tuple[list[Any], Any, Any]]) -> int | None:
    for i, (args, got, exp) in enumerate(cases):
        if cmp.difference(args, got, exp) is not None:
            return i
    return None


def test_exact_comparison_is_python_equality() -> None:
    cmp = Comparison()
    assert cmp.difference([1], 3, 3) is None
    assert cmp.difference([1], 3.0, 3) is None  # 3.0 == 3 in Python
    assert cmp.difference([1], True, 1) is None
    assert "got [1, 2], expected (1, 2)" in str(cmp.difference([1], [1, 2], (1, 2)))
    assert cmp.difference([1], {"a": [1]}, {"a": [1]}) is None
    assert cmp.difference([1], "abc", "abd") == "got 'abc', expected 'abd'"


def test_float_tolerance_is_evalplus_rule() -> None:
    # atol 0 and a float expected: atol 1e-6, rtol 1e-7, |got - exp| <= atol + rtol * |exp|
    assert Comparison().difference([], 1.0000009, 1.0) is None
    assert "not within atol 1e-06" in str(Comparison().difference([], 1.000002, 1.0))
    assert Comparison().difference([], 1e6 + 0.09, 1e6) is None  # 1e-6 + 0.1
    assert Comparison().difference([], 1e6 + 0.11, 1e6) is not None
    assert Comparison().difference([], [1.0, 2.0000001], [1.0, 2.0]) is None
    # the type must match and lists must have the same length
    assert "got a list" in str(Comparison().difference([], [1.0, 2.0], (1.0, 2.0)))
    assert "got 1 items, expected 2" in str(Comparison().difference([], [1.0], [1.0, 2.0]))
    # ints are not floats: exact only, unless the task has an atol
    assert Comparison().difference([], 1, 2) is not None
    assert Comparison(atol=2).difference([], 1, 2) is None
    assert Comparison(atol=0.01).difference([], 1.005, 1.0) is None
    # NaN is never close (numpy.allclose without equal_nan), and strings cannot be
    assert Comparison().difference([], math.nan, math.nan) is not None
    assert "cannot compare" in str(Comparison(atol=0.1).difference([], "a", "b"))


def test_float_tolerance_sticks_for_the_rest_of_the_sample() -> None:
    """EvalPlus sets atol = 1e-6 at the first float expected output, then keeps it."""
    later = ([0], [1, 2.0000001], [1, 2])  # ints expected: exact on its own
    assert Comparison().difference(*later) is not None
    cmp = Comparison()
    assert cmp.difference([0], 0.5, 0.5) is None and cmp.atol == FLOAT_ATOL
    assert cmp.difference(*later) is None


def test_find_zero_checks_the_polynomial_only() -> None:
    cmp = Comparison("evalplus:find_zero", atol=1e-4)
    assert cmp.difference([[1, 2]], -0.5, -0.4) is None  # the expected value is not used
    assert cmp.difference([[-6, 11, -6, 1]], 3.00001, 1.0) is None  # another zero
    assert "|poly| = 0.02" in str(cmp.difference([[1, 2]], -0.49, -0.5))
    assert "cannot compare" in str(cmp.difference([[1, 2]], "x", -0.5))


def test_set_and_not_none_oracles() -> None:
    sets = Comparison("evalplus:set_eq")
    assert sets.difference([], [4, 3], (3, 4)) is None
    assert sets.difference([], [3], [3, 4]) is not None
    assert "cannot compare" in str(sets.difference([], [[1]], [[1]]))  # unhashable
    assert Comparison().difference([], [4, 3], [3, 4]) is not None

    nn = Comparison("evalplus:not_none")
    # the expected value is what EvalPlus stores: whether the canonical output is not None
    found = stored_expected("evalplus:not_none", "Found a match!")
    assert found is True and stored_expected("evalplus:not_none", False) is True
    assert stored_expected("exact", None) is None
    assert nn.difference([], True, found) is None
    assert nn.difference([], "anything", found) is None
    assert nn.difference([], None, found) is not None
    assert nn.difference([], False, found) is not None
    none = stored_expected("evalplus:not_none", None)
    assert nn.difference([], False, none) is None and nn.difference([], None, none) is None
    assert nn.difference([], "x", none) is not None


def test_not_none_programs_return_the_bool_inside_the_process() -> None:
    """A re.Match cannot leave the sandbox: the canonical solution and the candidate are
    wrapped so that they return what the comparison looks at."""
    regex = "import re\ndef check_str(s):\n    return re.search('^[aeiou]', s)\n"
    task = PlusTask(
        "Mbpp/737", "check_str", regex, [["apple"], ["dog"]], [], oracle="evalplus:not_none"
    )
    source, entry = task.expected_program()
    ns: dict[str, Any] = {}
    exec(compile(source, "<canonical>", "exec"), ns)
    assert [ns[entry](*a) for a in task.inputs] == [True, False]

    candidate = "def check_str(s):\n    return s if s[0] in 'aeiou' else False\n"
    source, entry = task.candidate_program(candidate, "check_str")
    ns = {}
    exec(compile(source, "<candidate>", "exec"), ns)
    assert [ns[entry](*a) for a in task.inputs] == [True, False]
    # other oracles run the programs as they are
    plain_task = PlusTask("HumanEval/1", "f", "def f(x):\n    return x\n", [[1]], [])
    assert plain_task.expected_program() == (plain_task.source, "f")
    assert plain_task.candidate_program("src", "f") == ("src", "f")


def test_the_other_mbpp_oracles() -> None:
    assert Comparison("evalplus:always_true").difference([1], "whatever", 2) is None
    zero = Comparison("evalplus:or_zero")
    assert zero.difference([6], 0, 5) is None and zero.difference([6], 3, 5) is not None
    area = Comparison("evalplus:surface_area")  # b=3, h=4: round(9 + 6*sqrt(18.25)) = 35
    assert area.difference([3, 4], 35, 33) is None and area.difference([3, 4], 34, 33) is not None
    digits = Comparison("evalplus:digit_distance")  # 023 vs 256: 2 + 3 + 3
    assert digits.difference([23, 256], 8, 6) is None
    assert digits.difference([23, 256], 7, 6) is not None


def test_oracle_table_is_evalplus_one() -> None:
    # EvalPlus 0.3.1 evalplus/eval/_special_oracle.py and unsafe_execute, transcribed by hand
    set_eq = "similar_elements find_char_long common_in_nested_lists extract_singly larg_nnum "
    set_eq += "intersection_array find_dissimilar Diff"
    expected = {("mbpp", ep): "evalplus:set_eq" for ep in set_eq.split()} | {
        ("mbpp", ep): "evalplus:not_none"
        for ep in ["check_str", "text_match_three", "text_starta_endb"]
    }
    expected |= {
        ("mbpp", "are_equivalent"): "evalplus:always_true",
        ("mbpp", "sum_div"): "evalplus:or_zero",
        ("mbpp", "surface_Area"): "evalplus:surface_area",
        ("mbpp", "digit_distance_nums"): "evalplus:digit_distance",
        ("humaneval", "find_zero"): "evalplus:find_zero",
    }
    got = {(o.family, ep): o.id for o in ORACLES.values() for ep in o.entry_points}
    assert got == expected
    assert oracle_for("Mbpp/2", "similar_elements") == "evalplus:set_eq"
    assert oracle_for("HumanEval/32", "find_zero") == "evalplus:find_zero"
    # the benchmark matters, as in EvalPlus (its `dataset == "mbpp"` branches)
    assert oracle_for("Mbpp/999", "find_zero") == "exact"
    assert oracle_for("HumanEval/1", "sum_div") == "exact"
    assert plustests.family_of("HumanEval/32") == "humaneval"


def test_chunks_respect_counts_and_bytes() -> None:
    inputs: list[Any] = [[i] for i in range(10)]
    assert chunks(inputs, max_inputs=4) == [range(0, 4), range(4, 8), range(8, 10)]
    assert chunks(inputs) == [range(0, 10)]
    big = [["x" * 100], [1], ["y" * 300], [2], [3]]
    # each "[...]" is counted as its JSON; an input larger than the limit runs alone
    assert chunks(big, max_bytes=120) == [range(0, 2), range(2, 3), range(3, 5)]
    assert chunks([]) == []
    with pytest.raises(InvalidArgument):
        chunks(inputs, max_inputs=0)
