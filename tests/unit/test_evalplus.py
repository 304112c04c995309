"""EvalPlus interop: the MBPP input rules."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from perfcount._util import plain
from perfcount.dpe.datasets import Dataset, load_dataset
from perfcount.dpe.evalplus import (
    RULES,
    apply_rule,
    rule_for_task,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
EVALPERF_HF = DATA / "evalperf-hf.jsonl"
RESULTS = DATA / "perfcount-demo.results.jsonl"  # `evaluate examples/samples-demo.jsonl`, valgrind
SAMPLES = ROOT / "examples" / "samples-demo.jsonl"
DEMO_TASKS = [
    "longest_increasing_subsequence",
    "kth_smallest",
    "edit_distance",
    "sort_by_frequency",
    "stair_climb_ways_mod",
]

# ------------------------------------------------------------------ the rules

# EvalPlus 0.3.1's MBPP table, transcribed from the issue (not from the module under test)
ISSUE_TABLE = {
    "tuple_each_arg": "2,116,132,143,222,261,273,394,399,421,424,429,470,560,579,596,616,630,726,740,744,809",
    "tuples_in_each_arg": "63,64,70,94,120,237,272,299,400,409,417,438,473,614,780",
    "tuples_in_first_arg": "75,413,444,753",
    "tuple_second_arg": "106,750",
    "sets_in_first_arg": "115",
    "float_complex": "124",
    "tuple_first_arg": "250,405,446,617,720,763,808,307",
    "tuple_of_tuples_each_arg": "259,401,445",
    "tuple_first_arg_items_tuples": "278",
    "tuple_dict_values_first_arg": "722",
    "complex_arg": "252",
    "tuple_all_lists": "580,615,791",
}


def test_every_mbpp_number_has_its_rule() -> None:
    seen: set[int] = set()
    for name, numbers in ISSUE_TABLE.items():
        for n in map(int, numbers.split(",")):
            rule = rule_for_task(f"Mbpp/{n}")
            assert rule is not None and rule.id == f"evalplus-mbpp:{name}", n
            seen.add(n)
    assert len(seen) == sum(len(v.split(",")) for v in ISSUE_TABLE.values())  # no overlap
    assert {n for r in RULES.values() for n in r.tasks} == seen
    for other in ("Mbpp/3", "Mbpp/1000", "HumanEval/106", "Mbpp/106x", "mbpp/106"):
        assert rule_for_task(other) is None
    assert all(r.doc for r in RULES.values())


def T(*items: Any) -> tuple[Any, ...]:
    return tuple(items)


EXAMPLES = [
    ("tuple_each_arg", [[1, 2], [3]], [T(1, 2), T(3)]),
    ("tuples_in_each_arg", [[[1, 2], [3]], [[4]]], [[T(1, 2), T(3)], [T(4)]]),
    ("tuples_in_first_arg", [[[1, 2], [3, 4]], [5]], [[T(1, 2), T(3, 4)], [5]]),
    ("tuple_second_arg", [[1, 2], [3, 4]], [[1, 2], T(3, 4)]),
    ("sets_in_first_arg", [[[1, 2], [], [2, 2]]], [[{1, 2}, {}, {2}]]),
    ("float_complex", [3, "1j"], [3.0, 1j]),
    ("tuple_first_arg", [[1, 2], [3]], [T(1, 2), [3]]),
    ("tuple_first_arg", [[1, 2], 3, [4]], [T(1, 2), 3, [4]]),  # 307: three arguments
    ("tuple_of_tuples_each_arg", [[[1, 2], [3]], [[4]]], [T(T(1, 2), T(3)), T(T(4))]),
    ("tuple_first_arg_items_tuples", [[1, [2, 3], "x"]], [T(1, T(2, 3), "x")]),
    ("tuple_dict_values_first_arg", [{"a": [1, 2]}, [3]], [{"a": T(1, 2)}, [3]]),
    ("complex_arg", ["1+2j"], [1 + 2j]),
    ("tuple_all_lists", [[1, [2, [3]]], 4], [T(1, T(2, T(3))), 4]),
]


@pytest.mark.parametrize(("name", "args", "expected"), EXAMPLES)
def test_rules_by_example_and_idempotent(name: str, args: list[Any], expected: list[Any]) -> None:
    rule_id = f"evalplus-mbpp:{name}"
    got = apply_rule(rule_id, args)
    # compare encoded: a tuple never equals a list there, a dict never a set
    assert plain.encode(got) == plain.encode(expected)
    # its own output, also after the trip through a dataset file, converts to itself
    assert plain.encode(apply_rule(rule_id, got)) == plain.encode(got)
    again = apply_rule(rule_id, plain.decode(json.loads(json.dumps(plain.encode(got)))))
    assert plain.encode(again) == plain.encode(got)


def test_the_115_quirk_empty_items_become_dicts() -> None:
    (items,) = apply_rule("evalplus-mbpp:sets_in_first_arg", [[[1], []]])
    assert type(items[0]) is set and type(items[1]) is dict and items[1] == {}


def test_rules_refuse_inputs_of_another_shape() -> None:
    with pytest.raises(TypeError, match="expected a list, got int"):
        apply_rule("evalplus-mbpp:tuple_each_arg", [5])
    with pytest.raises(TypeError, match="expected two arguments"):
        apply_rule("evalplus-mbpp:float_complex", [1])
    with pytest.raises(KeyError):
        apply_rule("evalplus-mbpp:nope", [])


ADD_LISTS = "def add_lists(test_list, test_tup):\n    return test_tup + tuple(test_list)\n"


def test_mbpp_106_scores_through_the_pipeline_with_the_rule_only() -> None:
    """No runner knows of rules: the task's inputs are simply tuples now."""
    from perfcount.pipeline.evaluation import evaluate

    task = load_dataset(EVALPERF_HF)["Mbpp/106"]
    samples = [{"task_id": "Mbpp/106", "solution": ADD_LISTS}]
    ev = evaluate(samples, Dataset([task]), backend="software", workers=1, progress=False)
    (s,) = ev.samples
    assert s["passed"] and s["status"] == "ok" and s["dps"] == 100.0

    # the same task without the rule (inputs as JSON has them): the usual answer fails
    raw = json.loads(json.loads(EVALPERF_HF.read_text().splitlines()[2])["pe_input"])[:1]
    bare = dataclasses.replace(task, input_rule=None, pe_input=raw)
    ev = evaluate(samples, Dataset([bare]), backend="software", workers=1, progress=False)
    (s,) = ev.samples
    assert not s["passed"] and "TypeError" in s["error"]
    assert "can only concatenate list" in s["error"]
