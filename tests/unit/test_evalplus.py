"""EvalPlus interop: the MBPP input rules, and writing / reading evalperf result files."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest

from perfcount._util import plain
from perfcount.cli import main
from perfcount.dpe import evalplus
from perfcount.dpe.compare import compare_runs, load_run
from perfcount.dpe.datasets import Dataset, load_dataset
from perfcount.dpe.evalplus import (
    RULES,
    apply_rule,
    brief_from_results,
    evalplus_from_results,
    evalplus_paths,
    rule_for_task,
    write_evalplus,
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


@pytest.mark.needs_valgrind
def test_mbpp_106_scores_through_the_pipeline_with_the_rule_only() -> None:
    """No runner knows of rules: the task's inputs are simply tuples now."""
    from perfcount.pipeline.evaluation import evaluate

    task = load_dataset(EVALPERF_HF)["Mbpp/106"]
    samples = [{"task_id": "Mbpp/106", "solution": ADD_LISTS}]
    # deterministic counts: the fastest reference's own source must score 100 (task-clock
    # of a few microseconds of work is mostly the noise of a process's start and exit)
    ev = evaluate(samples, Dataset([task]), backend="valgrind", workers=1, progress=False)
    (s,) = ev.samples
    assert s["passed"] and s["status"] == "ok" and s["dps"] == 100.0

    # the same task without the rule (inputs as JSON has them): the usual answer fails
    raw = json.loads(json.loads(EVALPERF_HF.read_text().splitlines()[2])["pe_input"])[:1]
    bare = dataclasses.replace(task, input_rule=None, pe_input=raw)
    ev = evaluate(samples, Dataset([bare]), backend="software", workers=1, progress=False)
    (s,) = ev.samples
    assert not s["passed"] and "TypeError" in s["error"]
    assert "can only concatenate list" in s["error"]


# ------------------------------------------------------------------ writing EvalPlus files


@pytest.fixture(scope="module")
def solutions() -> dict[int, str]:
    from perfcount.pipeline.evaluation import load_samples

    return {s["sample"]: s["solution"] for s in load_samples(SAMPLES)}


@pytest.fixture(scope="module")
def full(solutions: dict[int, str]) -> dict[str, Any]:
    return evalplus_from_results(RESULTS, solutions=solutions, dataset=load_dataset("perfcount-py"))


def test_results_file_as_evalplus_results(full: dict[str, Any], solutions: dict[int, str]) -> None:
    assert list(full) == [
        "date",
        "n_samples",
        "temperature",
        "min_correct",
        "max_profile",
        "eval",
        "perfcount",
    ]
    assert full["date"] == "2026-12-01 23:14"  # the header's created, as EvalPlus writes dates
    assert (full["n_samples"], full["temperature"]) == (5, None)
    assert (full["min_correct"], full["max_profile"]) == (1, 10)
    assert full["perfcount"]["backend"] == "valgrind"
    assert full["perfcount"]["dataset"] == {"name": "perfcount-py", "version": "1"}
    assert list(full["eval"]) == DEMO_TASKS

    lis = full["eval"]["longest_increasing_subsequence"]
    assert list(lis) == ["task_id", "results", "ref", "dps", "dps_norm", "pass@1", "n_profiled"]
    assert (lis["dps"], lis["pass@1"], lis["n_profiled"]) == (40.0, 75.0, 3)
    assert lis["dps_norm"] == pytest.approx(44.444444444444436)
    first, *_, failed = lis["results"]
    assert first == {
        "solution": solutions[0],
        "pass": True,
        "profiled": True,
        "matching_cluster_idx": 4,
        "dps": 90.0,
        "dps_norm": 83.33333333333333,
        "_num_cpu_instructions": 216706.0,
    }
    assert [r["solution"] for r in lis["results"]] == [solutions[k] for k in (0, 1, 2, 17)]
    assert failed == {
        "solution": solutions[17],
        "pass": False,
        "profiled": False,
        "matching_cluster_idx": None,
        "dps": None,
        "dps_norm": None,
        "_num_cpu_instructions": None,
    }
    refs = load_dataset("perfcount-py")["longest_increasing_subsequence"]
    assert [r["solution"] for r in lis["ref"]] == list(refs.reference)
    assert [r["score"] for r in lis["ref"]] == list(refs.scores)
    assert lis["ref"][0]["_num_cpu_instructions"] == 55405016.0
    # a passing sample whose profile timed out: profiled, slower than every reference, 0
    timed_out = full["eval"]["stair_climb_ways_mod"]["results"][-1]
    assert timed_out["pass"] and timed_out["profiled"]
    assert (timed_out["matching_cluster_idx"], timed_out["dps"]) == (-1, 0.0)
    assert timed_out["_num_cpu_instructions"] is None
    json.dumps(full, allow_nan=False)


def test_brief_from_results(full: dict[str, Any]) -> None:
    brief = brief_from_results(full)
    assert list(brief) == ["date", "config", "summary", "eval", "perfcount"]
    assert brief["config"] == {
        "n_samples": 5,
        "temperature": None,
        "min_correct": 1,
        "max_profile": 10,
    }
    dps = [40.0, 48.48484848484848, 52.777777777777786, 40.0, 42.222222222222214]
    assert brief["summary"]["dps"] == pytest.approx(math.fsum(dps) / 5)
    assert brief["summary"]["pass@1"] == pytest.approx(95.0)
    lis = brief["eval"]["longest_increasing_subsequence"]
    assert list(lis) == ["dps", "dps_norm", "pass@1", "profiled"]
    assert [p["matching_cluster_idx"] for p in lis["profiled"]] == [4, 1, 0]
    assert len(brief["eval"]["stair_climb_ways_mod"]["profiled"]) == 5


def test_written_files_read_back_as_the_same_run(tmp_path: Path, solutions: dict[int, str]) -> None:
    full_path, brief_path = write_evalplus(
        RESULTS, tmp_path / "demo", solutions=solutions, temperature=0.2
    )
    assert full_path.name == "demo_evalperf_results.json"
    assert brief_path.name == "demo_evalperf_results.brief.json"
    original = load_run(RESULTS)
    for path, kind in ((full_path, "evalplus-results"), (brief_path, "evalplus-brief")):
        run = load_run(path)
        assert run.kind == kind and run.name == "demo"
        assert (run.backend, run.metric) == ("valgrind", "instructions")
        assert run.config["temperature"] == 0.2
        for tid, t in original.tasks.items():
            r = run.tasks[tid]
            assert (r.dps, r.dps_norm, r.pass_at_1) == (t.dps, t.dps_norm, t.pass_at_1)
            assert r.n_profiled == t.n_profiled
            if kind == "evalplus-results":
                assert (r.n_samples, r.n_passed) == (t.n_samples, t.n_passed)
            else:  # a brief file knows only the config's n_samples (EvalPlus: all the same)
                assert r.n_samples == 5
    # compared with the results it came from: a tie on every task
    p = compare_runs([RESULTS, brief_path])["pairs"][0]
    assert (p["n_common"], p["wins"], p["ties"], p["losses"]) == (5, 0, 5, 0)
    # no dataset, no solutions: nulls
    bare = evalplus_from_results(RESULTS)
    lis = bare["eval"]["longest_increasing_subsequence"]
    assert lis["results"][0]["solution"] is None and lis["ref"][0]["solution"] is None
    assert lis["ref"][0]["score"] == 10.0


def test_other_metrics_keep_their_costs_apart(tmp_path: Path) -> None:
    lines = RESULTS.read_text().splitlines()
    header = json.loads(lines[0])
    header.update(backend="software", metric="task-clock")
    path = tmp_path / "sw.results.jsonl"
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    first = evalplus_from_results(path)["eval"]["longest_increasing_subsequence"]["results"][0]
    assert first["_num_cpu_instructions"] is None and first["_cost"] == 216706.0


def test_evalplus_paths() -> None:
    full, brief = evalplus_paths("runs/model.results.jsonl")
    assert (str(full), str(brief)) == (
        "runs/model_evalperf_results.json",
        "runs/model_evalperf_results.brief.json",
    )
    assert str(evalplus_paths("m.jsonl")[0]) == "m_evalperf_results.json"
    assert str(evalplus_paths("x", "out/p_evalperf_results.json")[1]) == (
        "out/p_evalperf_results.brief.json"
    )
    assert evalplus.RESULTS_SUFFIX == "_evalperf_results.json"


# ------------------------------------------------------------------ the export CLI


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prefix = tmp_path / "demo"
    argv = ["export", str(RESULTS), "--evalplus", "--samples", str(SAMPLES), "-o", str(prefix)]
    assert main(argv) == 0
    out = capsys.readouterr().out.split()
    assert out == [f"{prefix}_evalperf_results.json", f"{prefix}_evalperf_results.brief.json"]
    written = json.loads(Path(out[0]).read_text())
    first = written["eval"]["longest_increasing_subsequence"]["results"][0]
    assert first["solution"].startswith("import bisect")
    assert written["eval"]["kth_smallest"]["ref"][0]["solution"]  # from perfcount-py
    brief = json.loads(Path(out[1]).read_text())
    assert brief["summary"]["pass@1"] == pytest.approx(95.0)


def test_cli_export_finds_the_samples_the_header_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the header says examples/samples-demo.jsonl
    assert main(["export", str(RESULTS), "--evalplus", "-o", str(tmp_path / "x")]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(RESULTS), "--evalplus", "-o", "y"]) == 2
    err = capsys.readouterr().err
    assert "cannot read the samples for the solution texts" in err and "--samples" in err
    assert main(["export", str(RESULTS), "--evalplus", "-o", "y", "--no-solutions"]) == 0
    capsys.readouterr()
    brief = json.loads((tmp_path / "y_evalperf_results.brief.json").read_text())
    assert brief["eval"]["kth_smallest"]["profiled"][0]["solution"] is None


def test_cli_export_refuses_other_samples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = SAMPLES.read_text().splitlines()
    row = json.loads(lines[1])
    row["solution"] += "\n# changed\nx = 1\n"
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join([lines[0], json.dumps(row), *lines[2:]]) + "\n")
    argv = [
        "export",
        str(RESULTS),
        "--evalplus",
        "--samples",
        str(other),
        "-o",
        str(tmp_path / "z"),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "sample 1 (longest_increasing_subsequence) of the results is not in" in err
    assert main(["export", str(RESULTS)]) == 2
    assert "choose an export format" in capsys.readouterr().err
