"""``evaluate(plus_tests=...)`` / ``--plus-tests``: EvalPerf's correctness gate, end to end.

The fixtures ``tests/data/evalplus/HumanEvalPlus-mini.jsonl.gz`` and
``MbppPlus-mini.jsonl`` are in EvalPlus's layout and cover HumanEval/55 and
Mbpp/3 of ``tests/data/evalperf-mini.jsonl`` (not HumanEval/16, which falls
back). Two samples there are right on the performance input and wrong on a
plus input, so they pass the references' gate and fail EvalPerf's. The
software backend is enough: only statuses and gates are asserted.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
EVALPLUS = DATA / "evalplus"
EVALPERF_MINI = DATA / "evalperf-mini.jsonl"
EVALPERF_HF = DATA / "evalperf-hf.jsonl"

FIB_RIGHT = "def fib(n: int):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n"
# right for n >= 1 (the performance input is 25), wrong for n = 0 (a plus input)
FIB_WRONG_AT_0 = (
    "def fib(n: int):\n    a, b = 1, 1\n    for _ in range(n - 2):\n        a, b = b, a + b\n"
    "    return b\n"
)
PRIME_RIGHT = (
    "import math\ndef is_not_prime(n):\n    if n < 2:\n        return True\n"
    "    return any(n % d == 0 for d in range(2, math.isqrt(n) + 1))\n"
)
# says 1 is prime (a plus input); right on the performance input 1000003
PRIME_WRONG_AT_1 = (
    "import math\ndef is_not_prime(n):\n"
    "    return any(n % d == 0 for d in range(2, math.isqrt(n) + 1))\n"
)
DISTINCT = (
    "def count_distinct_characters(string: str) -> int:\n    return len(set(string.lower()))\n"
)

ROWS = [
    {"task_id": "HumanEval/55", "solution": FIB_RIGHT, "name": "right"},
    {"task_id": "HumanEval/55", "solution": FIB_WRONG_AT_0, "name": "wrong"},
    {"task_id": "Mbpp/3", "solution": PRIME_WRONG_AT_1, "name": "wrong"},
    {"task_id": "Mbpp/3", "solution": PRIME_RIGHT, "name": "right"},
    {"task_id": "HumanEval/16", "solution": DISTINCT, "name": "right"},
]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(d))
    return d


def _by(ev: Any) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, dict[str, Any]]]:
    return (
        {(s["task_id"], s["name"]): s for s in ev.samples},
        {t["task_id"]: t for t in ev.tasks},
    )


def test_plus_tests_gate_fails_what_the_references_let_through(
    tmp_path: Path, cache_dir: Path
) -> None:
    from perfcount.dpe.plustests import load_plus_tests
    from perfcount.pipeline.evaluation import evaluate

    common = {"backend": "software", "workers": 1, "progress": False, "max_profile": 1}
    before = evaluate(ROWS, EVALPERF_MINI, **common)
    samples, tasks = _by(before)
    assert {t["correctness"] for t in tasks.values()} == {"references"}
    assert samples["HumanEval/55", "wrong"]["passed"] and samples["Mbpp/3", "wrong"]["passed"]
    assert "plus_tests" not in before.header["config"]

    ev = evaluate(ROWS, EVALPERF_MINI, plus_tests=EVALPLUS, **common)
    samples, tasks = _by(ev)
    assert tasks["HumanEval/55"]["correctness"] == "plus-tests"
    assert tasks["Mbpp/3"]["correctness"] == "plus-tests"
    assert tasks["HumanEval/16"]["correctness"] == "references"  # not in the plus files
    assert ev.summary["correctness"] == {"plus-tests": 2, "references": 1}
    assert any("plus tests cover 2 of the 3 tasks" in n for n in ev.notes)

    wrong = samples["HumanEval/55", "wrong"]
    assert (wrong["passed"], wrong["status"], wrong["dps"]) == (False, "failed", 0.0)
    assert wrong["error"] == "wrong output on plus input 0 [0]: got 1, expected 0"
    assert samples["Mbpp/3", "wrong"]["error"] == (
        "wrong output on plus input 0 [1]: got False, expected True"
    )
    for key in (("HumanEval/55", "right"), ("Mbpp/3", "right"), ("HumanEval/16", "right")):
        assert samples[key]["passed"] and samples[key]["status"] == "ok", samples[key]
        assert samples[key]["dps"] is not None
    assert tasks["HumanEval/55"]["plus_tests"] == {
        "file": "HumanEvalPlus-mini.jsonl.gz",
        "inputs": 10,
        "base": 5,
        "dropped": 0,
        "oracle": "exact",
        "atol": 0.0,
        "input_rule": None,
        "cached": False,
    }
    assert "plus_tests" not in tasks["HumanEval/16"]
    assert ev.header["config"]["plus_tests"] == load_plus_tests(EVALPLUS).describe()

    # the canonical outputs are cached per file digest and task: not computed again
    again = evaluate(ROWS, EVALPERF_MINI, plus_tests=EVALPLUS, **common)
    samples2, tasks2 = _by(again)
    assert tasks2["Mbpp/3"]["plus_tests"]["cached"] is True
    assert {k: s["passed"] for k, s in samples2.items()} == {
        k: s["passed"] for k, s in samples.items()
    }


def _plus_row(path: Path, task_id: str) -> dict[str, Any]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return next(r for r in map(json.loads, f) if r["task_id"] == task_id)


def test_canonical_failures_input_rule_and_fallback(tmp_path: Path, cache_dir: Path) -> None:
    """Mbpp/106 runs only with EvalPlus's input rule applied (its canonical solution adds a
    tuple to a tuple); an input its canonical solution raises on is left out with a
    warning, and so is one it hangs on (found by halving its run); a canonical solution
    that cannot run at all leaves the task on the references' gate, said in its
    warnings."""
    from perfcount.pipeline.evaluation import evaluate

    mbpp = _plus_row(EVALPLUS / "MbppPlus-mini.jsonl", "Mbpp/106")
    mbpp["plus_input"].append([5, [1]])  # tuple(5) raises TypeError in the canonical solution
    (tmp_path / "MbppPlus.jsonl").write_text(json.dumps(mbpp) + "\n")
    strlen = {
        "task_id": "HumanEval/23",
        "prompt": "\n\ndef strlen(string: str) -> int:\n",
        "canonical_solution": "    return len(string)\n\nundefined_helper()\n",
        "entry_point": "strlen",
        "base_input": [[""], ["x"]],
        "plus_input": [["asdasnakj"]],
        "atol": 0,
    }
    sum_to_n = {
        "task_id": "HumanEval/60",
        "prompt": "\n\ndef sum_to_n(n: int):\n",
        "canonical_solution": "    while n == 7:\n        pass\n    return n * (n + 1) // 2\n",
        "entry_point": "sum_to_n",
        "base_input": [[1], [5], [7], [10]],
        "plus_input": [[100]],
        "atol": 0,
    }
    (tmp_path / "HumanEvalPlus.jsonl").write_text(
        json.dumps(strlen) + "\n" + json.dumps(sum_to_n) + "\n"
    )
    rows = [
        {"task_id": "Mbpp/106", "solution": mbpp["canonical_solution"], "name": "right"},
        {
            "task_id": "Mbpp/106",
            "solution": "def add_lists(test_list, test_tup):\n    return list(test_tup) + test_list\n",
            "name": "list",
        },
        {
            "task_id": "HumanEval/23",
            "solution": "def strlen(s):\n    return len(s)\n",
            "name": "right",
        },
        {
            "task_id": "HumanEval/60",
            "solution": "def sum_to_n(n):\n    return n * n\n",
            "name": "wrong",
        },
    ]
    ev = evaluate(
        rows,
        EVALPERF_HF,
        plus_tests=tmp_path,
        backend="software",
        workers=1,
        progress=False,
        min_correct=10,  # the gate only: nothing is profiled
        timeout=1.0,  # for the hanging input
    )
    samples, tasks = _by(ev)
    t106 = tasks["Mbpp/106"]
    assert t106["correctness"] == "plus-tests"
    info = t106["plus_tests"]
    assert (info["inputs"], info["dropped"]) == (6, 1)
    assert info["input_rule"] == "evalplus-mbpp:tuple_second_arg"
    (warning,) = [w for w in t106["warnings"] if w.startswith("plus tests:")]
    assert "fails on 1 of 7 inputs" in warning and "plus input 3: failed: TypeError" in warning
    assert samples["Mbpp/106", "right"]["passed"] is True
    listy = samples["Mbpp/106", "list"]
    assert listy["passed"] is False
    assert listy["error"] == (
        "wrong output on base input 0 [[5, 6, 7], (9, 10)]: "
        "got [9, 10, 5, 6, 7], expected (9, 10, 5, 6, 7)"
    )

    t23 = tasks["HumanEval/23"]
    assert t23["correctness"] == "references" and "plus_tests" not in t23
    (warning,) = [w for w in t23["warnings"] if w.startswith("plus tests not used")]
    assert "fails before any input" in warning and "NameError" in warning
    assert "references' outputs" in warning
    assert samples["HumanEval/23", "right"]["passed"] is True

    t60 = tasks["HumanEval/60"]
    assert t60["correctness"] == "plus-tests"
    assert (t60["plus_tests"]["inputs"], t60["plus_tests"]["dropped"]) == (4, 1)
    (warning,) = [w for w in t60["warnings"] if w.startswith("plus tests:")]
    assert "base input 2: timeout:" in warning
    # n*n is right for n = 1 only; 5 is the next input kept
    assert samples["HumanEval/60", "wrong"]["error"] == (
        "wrong output on base input 1 [5]: got 25, expected 15"
    )


def test_oracles_in_the_sandbox(tmp_path: Path, cache_dir: Path) -> None:
    """A set-compared task and a not-None task through the runner: their oracles are
    read off the plus rows (by entry point) and applied to what comes out of the sandbox
    (re.Match outputs included, which are not data)."""
    from perfcount.pipeline.evaluation import evaluate

    sim = "def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n"
    chk = "import re\ndef check_str(s):\n    return re.search('^[aeiouAEIOU]', s)\n"
    dataset = tmp_path / "evalperf.jsonl"  # EvalPerf layout: the input rule of Mbpp/2 applies
    dataset.write_text(
        json.dumps(
            {
                "task_id": "Mbpp/2",
                "entry_point": "similar_elements",
                "reference": [sim],
                "scores": [100.0],
                "pe_input": [[[3, 4, 5, 6], [5, 7, 4, 10]]],
            }
        )
        + "\n"
        + json.dumps(
            {
                "task_id": "Mbpp/737",
                "entry_point": "check_str",
                "reference": [chk],
                "scores": [100.0],
                "pe_input": [["annie"]],
            }
        )
        + "\n"
    )
    rows = [
        {
            "task_id": "Mbpp/2",
            "entry_point": "similar_elements",
            "prompt": "",
            "atol": 0,
            "canonical_solution": sim,
            "base_input": [[[3, 4, 5, 6], [5, 7, 4, 10]]],
            "plus_input": [[[1, 2, 3, 4], [5, 4, 3, 7]]],
        },
        {
            "task_id": "Mbpp/737",
            "entry_point": "check_str",
            "prompt": "",
            "atol": 0,
            "canonical_solution": chk,
            "base_input": [["annie"], ["dawood"]],
            "plus_input": [["Else"]],
        },
    ]
    (tmp_path / "MbppPlus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    samples = [
        # sorted, so in another order than the canonical tuple: equal as sets
        {
            "task_id": "Mbpp/2",
            "solution": "def similar_elements(a, b):\n"
            "    return tuple(sorted(set(a) & set(b), reverse=True))\n",
            "name": "sorted",
        },
        {
            "task_id": "Mbpp/2",
            "solution": "def similar_elements(a, b):\n    return (min(set(a) & set(b)),)\n",
            "name": "one",
        },
        {"task_id": "Mbpp/737", "solution": chk.replace("re.search", "re.match"), "name": "match"},
        {
            "task_id": "Mbpp/737",
            "solution": "def check_str(s):\n    return s[0] in 'aeiouAEIOU'\n",
            "name": "bool",
        },
        {
            "task_id": "Mbpp/737",
            "solution": "def check_str(s):\n    return s\n",
            "name": "never None",
        },
    ]
    ev = evaluate(
        samples,
        dataset,
        plus_tests=tmp_path,
        backend="software",
        workers=1,
        progress=False,
        min_correct=10,
    )
    got, tasks = _by(ev)
    assert tasks["Mbpp/2"]["plus_tests"]["oracle"] == "evalplus:set_eq"
    assert tasks["Mbpp/737"]["plus_tests"]["oracle"] == "evalplus:not_none"
    assert {t["correctness"] for t in tasks.values()} == {"plus-tests"}
    assert (
        tasks["Mbpp/2"]["plus_tests"]["dropped"] == tasks["Mbpp/737"]["plus_tests"]["dropped"] == 0
    )
    assert got["Mbpp/2", "sorted"]["passed"] is True
    assert got["Mbpp/2", "one"]["passed"] is False
    assert got["Mbpp/737", "match"]["passed"] is True
    assert got["Mbpp/737", "bool"]["passed"] is True
    never = got["Mbpp/737", "never None"]
    assert never["passed"] is False
    assert never["error"] == (
        "wrong output on base input 1 ['dawood']: got True, expected False "
        "(outputs compared as 'is not None')"
    )


# ---------------------------------------------------------------- the command line


def _perfcount(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PERFCOUNT_CACHE_DIR=str(cache))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "perfcount", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=240,
    )


def test_cli_preset_evalperf_uses_the_plus_tests(tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps(r) + "\n" for r in ROWS[:2]))
    base = ["evaluate", str(samples), "--dataset", str(EVALPERF_MINI), "--no-progress"]
    base += ["--backend", "software", "--workers", "1", "--preset", "evalperf", "--json"]
    r = _perfcount(*base, "--plus-tests", str(EVALPLUS), cache=tmp_path / "c")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["correctness"] == {"plus-tests": 1}
    lines = [json.loads(x) for x in (tmp_path / "samples.results.jsonl").read_text().splitlines()]
    header, *rest = lines
    assert header["config"]["preset"] == "evalperf" and header["config"]["min_correct"] == 10
    assert [f["file"] for f in header["config"]["plus_tests"]] == [
        "HumanEvalPlus-mini.jsonl.gz",
        "MbppPlus-mini.jsonl",
    ]
    by_name = {x["name"]: x for x in rest if x["kind"] == "sample"}
    assert by_name["right"]["passed"] and by_name["right"]["status"] == "not_profiled"
    assert not by_name["wrong"]["passed"] and "plus input 0" in by_name["wrong"]["error"]
    (task,) = [x for x in rest if x["kind"] == "task"]
    assert task["correctness"] == "plus-tests"

    # the preset alone says what it cannot do
    r = _perfcount(*base, "-o", str(tmp_path / "alone.jsonl"), cache=tmp_path / "c")
    assert r.returncode == 0, r.stderr
    assert "preset evalperf: no plus tests given" in r.stderr
    assert json.loads(r.stdout)["correctness"] == {"references": 1}


def test_cli_bad_plus_file_names_file_line_and_fix(tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps(ROWS[0]) + "\n")
    row = _plus_row(EVALPLUS / "HumanEvalPlus-mini.jsonl.gz", "HumanEval/55")
    del row["plus_input"]
    bad = tmp_path / "HumanEvalPlus.jsonl"
    bad.write_text(json.dumps(_plus_row(EVALPLUS / "MbppPlus-mini.jsonl", "Mbpp/3")) + "\n")
    bad.write_text(bad.read_text() + json.dumps(row) + "\n")
    r = _perfcount(
        "evaluate",
        str(samples),
        "--dataset",
        str(EVALPERF_MINI),
        "--no-progress",
        "--plus-tests",
        str(bad),
        cache=tmp_path / "c",
    )
    assert r.returncode == 2
    assert f"{bad}:2: plus_input: missing required field" in r.stderr
    assert "humanevalplus_release" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "samples.results.jsonl").exists()
