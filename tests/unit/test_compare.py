"""N-way comparison of runs (perfcount results, EvalPlus results / brief files).

The fixture runs (tests/data/evalplus/model-{a,b,c}_temp_1.0_evalperf_results.brief.json,
and model-a's full results file) have these per-task DPS (``-``: not passed,
fewer than min_correct=2 correct samples)::

                 HumanEval/16  HumanEval/55  Mbpp/3  Mbpp/106
    model-a           80            50          -        60
    model-b           80            70         40        20
    model-c            -            30         90        60

Every expected value below is worked out by hand from that table (see
docs/evalplus.md for the definitions).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from perfcount.cli import main
from perfcount.dpe.aggregate import compare as compare_records
from perfcount.dpe.aggregate import compare_scores
from perfcount.dpe.compare import (
    Run,
    TaskRun,
    compare_runs,
    load_run,
    run_name,
    two_run_comparison,
)
from perfcount.errors import DatasetError, InvalidArgument, PerfcountError

DATA = Path(__file__).resolve().parent.parent / "data"
EP = DATA / "evalplus"
A_FULL = EP / "model-a_temp_1.0_evalperf_results.json"
A = EP / "model-a_temp_1.0_evalperf_results.brief.json"
B = EP / "model-b_temp_1.0_evalperf_results.brief.json"
C = EP / "model-c_temp_1.0_evalperf_results.brief.json"
PERFCOUNT_RESULTS = DATA / "perfcount-demo.results.jsonl"
T1, T2, T3, T4 = "HumanEval/16", "HumanEval/55", "Mbpp/3", "Mbpp/106"


def approx(x: float) -> object:
    return pytest.approx(x, abs=1e-12)


# ------------------------------------------------------------------ reading runs


def test_runs_are_named_like_the_leaderboard() -> None:
    assert run_name(A) == "model-a"
    assert (
        run_name("gpt-4o-2024-08-06_openai_temp_1.0_evalperf_results.brief.json")
        == "gpt-4o-2024-08-06"
    )
    assert run_name("out/samples_evalperf_results.json") == "samples"
    assert run_name("runs/mine/evalperf_results.json") == "mine"  # EvalPlus's folder layout
    assert run_name("x/my_model.results.jsonl") == "my_model"


def test_brief_and_full_results_read_into_the_same_run() -> None:
    brief, full = load_run(A), load_run(A_FULL)
    assert (brief.kind, full.kind) == ("evalplus-brief", "evalplus-results")
    assert brief.name == full.name == "model-a"
    assert list(brief.tasks) == list(full.tasks) == [T1, T2, T3, T4]
    for tid in brief.tasks:
        b, f = brief.tasks[tid], full.tasks[tid]
        assert (b.dps, b.dps_norm, b.pass_at_1) == (f.dps, f.dps_norm, f.pass_at_1), tid
        assert (b.n_samples, b.n_passed, b.n_profiled) == (f.n_samples, f.n_passed, f.n_profiled)
    t1 = full.tasks[T1]
    assert (t1.n_samples, t1.n_passed, t1.n_profiled, t1.pass_at_1) == (10, 9, 3, 90.0)
    assert [s.cluster for s in t1.samples if s.profiled] == [3, 2, 1]
    assert [s.cluster for s in brief.tasks[T1].samples] == [3, 2, 1]
    assert all(s.cost is not None for s in t1.samples if s.profiled)
    assert brief.tasks[T3].dps is None and not brief.tasks[T3].passed  # 1 < min_correct
    assert brief.tasks[T3].n_profiled is None
    assert brief.config == {"n_samples": 10, "temperature": 1.0, "min_correct": 2, "max_profile": 3}
    # EvalPlus files count CPU instructions but say nothing of the machine
    assert (brief.backend, brief.metric, brief.dataset) == (None, "instructions", None)
    s = brief.summary()
    assert (s["n_tasks"], s["n_passed"]) == (4, 3)
    assert s["dps"] == approx(190 / 3) and s["pass@1"] == approx(57.5)


def test_a_perfcount_results_file_reads_into_a_run() -> None:
    run = load_run(PERFCOUNT_RESULTS)
    assert run.kind == "perfcount-results" and run.name == "perfcount-demo"
    assert (run.backend, run.metric) == ("valgrind", "instructions")
    assert run.dataset == {"name": "perfcount-py", "version": "1"}
    assert next(iter(run.tasks)) == "longest_increasing_subsequence"  # samples order
    lis = run.tasks["longest_increasing_subsequence"]
    assert (lis.n_samples, lis.n_passed, lis.dps) == (4, 3, 40.0)
    assert [s.passed for s in lis.samples] == [True, True, True, False]
    assert [s.cluster for s in lis.samples] == [4, 1, 0, None]
    assert run.config["min_correct"] == 1


def test_files_that_are_no_runs(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="results file not found"):
        load_run(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(DatasetError, match="neither a perfcount results file nor EvalPlus JSON"):
        load_run(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"a": 1}')
    with pytest.raises(DatasetError, match="not an EvalPlus evalperf results or brief file"):
        load_run(tmp_path / "other.json")
    broken = json.loads(A.read_text())
    broken["eval"][T1]["dps"] = "high"
    (tmp_path / "x_evalperf_results.brief.json").write_text(json.dumps(broken))
    with pytest.raises(DatasetError, match=r"eval\.HumanEval/16\.dps: must be a number or null"):
        load_run(tmp_path / "x_evalperf_results.brief.json")


def test_early_evalplus_files_without_the_wrapper(tmp_path: Path) -> None:
    # EvalPlus before 0.3 wrote the {task_id: {...}} mapping itself, without "profiled"
    full = json.loads(A_FULL.read_text())["eval"]
    for entry in full.values():
        for r in entry["results"]:
            del r["profiled"]
    path = tmp_path / "old_evalperf_results.json"
    path.write_text(json.dumps(full))
    run = load_run(path)
    assert run.kind == "evalplus-results" and run.tasks[T1].dps == 80.0
    assert run.tasks[T1].n_profiled == 3


# ------------------------------------------------------------------ N-way


def test_three_runs_by_hand() -> None:
    cmp = compare_runs([A, B, C])
    assert cmp["n_runs"] == 3 and cmp["n_common_all"] == 2  # HumanEval/55 and Mbpp/106
    pairs = {(p["a"], p["b"]): p for p in cmp["pairs"]}
    assert list(pairs) == [("model-a", "model-b"), ("model-a", "model-c"), ("model-b", "model-c")]

    ab = pairs["model-a", "model-b"]  # T1 80=80 tie, T2 50<70 loss, T4 60>20 win
    assert (ab["n_common"], ab["wins"], ab["ties"], ab["losses"]) == (3, 1, 1, 1)
    assert ab["dps_a"] == approx(190 / 3) and ab["dps_b"] == approx(170 / 3)
    assert ab["dps_norm_a"] == approx((75 + 50 + 200 / 3) / 3)
    assert ab["dps_norm_b"] == approx((75 + 75 + 100 / 3) / 3)
    assert ab["win_rate"] == approx(1 / 3) and ab["only_b"] == [T3]
    ac = pairs["model-a", "model-c"]  # T2 50>30 win, T4 60=60 tie
    assert (ac["n_common"], ac["wins"], ac["ties"], ac["losses"]) == (2, 1, 1, 0)
    assert (ac["dps_a"], ac["dps_b"]) == (55.0, 45.0)
    bc = pairs["model-b", "model-c"]  # T2 70>30 win, T3 40<90 loss, T4 20<60 loss
    assert (bc["n_common"], bc["wins"], bc["ties"], bc["losses"]) == (3, 1, 0, 2)
    assert bc["dps_a"] == approx(130 / 3) and bc["dps_b"] == 60.0

    # model-wise: (wins + ties/2) / rounds, pooled over the other models
    mw = cmp["model_wise"]
    assert mw["model-a"] == {"wins": 2, "ties": 2, "losses": 1, "rounds": 5, "win_rate": 0.6}
    assert mw["model-b"]["rounds"] == 6 and mw["model-b"]["win_rate"] == approx(2.5 / 6)
    assert mw["model-c"]["rounds"] == 5 and mw["model-c"]["win_rate"] == approx(0.5)
    # task-wise: per task the share of the other passing models beaten, then the mean
    tw = cmp["task_wise"]
    assert tw["tasks"] == {
        T1: {"n_runs": 2, "win_share": {"model-a": 0.5, "model-b": 0.5}},
        T2: {"n_runs": 3, "win_share": {"model-a": 0.5, "model-b": 1.0, "model-c": 0.0}},
        T3: {"n_runs": 2, "win_share": {"model-b": 0.0, "model-c": 1.0}},
        T4: {"n_runs": 3, "win_share": {"model-a": 0.75, "model-b": 0.0, "model-c": 0.75}},
    }
    assert tw["runs"]["model-a"] == {"n_tasks": 3, "win_rate": approx(1.75 / 3)}
    assert tw["runs"]["model-b"] == {"n_tasks": 4, "win_rate": approx(0.375)}
    assert tw["runs"]["model-c"] == {"n_tasks": 3, "win_rate": approx(1.75 / 3)}

    # ranked by model-wise win rate
    assert [r["name"] for r in cmp["runs"]] == ["model-a", "model-c", "model-b"]
    assert cmp["runs"][0]["model_win_rate"] == 0.6
    assert cmp["runs"][0]["dps"] == approx(190 / 3) and cmp["runs"][2]["dps"] == 52.5

    heat = cmp["heatmap"]
    assert heat["names"] == ["model-a", "model-b", "model-c"]
    assert heat["n"] == [[3, 3, 2], [3, 4, 3], [2, 3, 3]]
    expected = [[190 / 3, 190 / 3, 55.0], [170 / 3, 52.5, 130 / 3], [45.0, 60.0, 60.0]]
    for row, want in zip(heat["values"], expected):
        assert row == [approx(v) for v in want]
    json.dumps(cmp)  # JSON-ready


def test_only_tasks_every_run_passed() -> None:
    # HumanEval/55 (50, 70, 30) and Mbpp/106 (60, 20, 60) only
    cmp = compare_runs([A, B, C], common="all")
    mw = cmp["model_wise"]
    assert mw["model-a"]["win_rate"] == approx(2.5 / 4)
    assert mw["model-b"]["win_rate"] == approx(2 / 4)
    assert mw["model-c"]["win_rate"] == approx(1.5 / 4)
    assert all(p["n_common"] == 2 for p in cmp["pairs"])
    assert [r["n_tasks"] for r in cmp["runs"]] == [2, 2, 2]


def test_tolerance_and_metric() -> None:
    ab = compare_runs([A, B], tolerance=20)["pairs"][0]  # 20 apart on HumanEval/55: a tie
    assert (ab["wins"], ab["ties"], ab["losses"]) == (1, 2, 0)
    # on DPS_norm: T1 75=75, T2 50<75, T4 66.7>33.3 (the same verdicts here)
    by_norm = compare_runs([A, B], metric="dps_norm")
    p = by_norm["pairs"][0]
    assert (p["wins"], p["ties"], p["losses"]) == (1, 1, 1)
    assert by_norm["heatmap"]["values"][0][1] == approx((75 + 50 + 200 / 3) / 3)
    with pytest.raises(InvalidArgument, match="metric must be one of"):
        compare_runs([A, B], metric="speed")
    with pytest.raises(InvalidArgument, match="common must be one of"):
        compare_runs([A, B], common="some")
    with pytest.raises(InvalidArgument, match="at least two runs"):
        compare_runs([A])


def test_full_and_brief_mix_and_same_names() -> None:
    mixed = compare_runs([A_FULL, B, C])
    assert mixed["model_wise"] == compare_runs([A, B, C])["model_wise"]
    twice = compare_runs([A, A])
    assert [r["name"] for r in twice["runs"]] == ["model-a", "model-a (2)"]
    p = twice["pairs"][0]
    assert (p["wins"], p["ties"], p["losses"]) == (0, 3, 0)
    assert twice["model_wise"]["model-a"]["win_rate"] == 0.5


def test_in_memory_runs() -> None:
    a = Run("x", {"t": TaskRun("t", 10.0, 20.0), "u": TaskRun("u", None, None)})
    b = Run("y", {"t": TaskRun("t", 30.0, 40.0), "u": TaskRun("u", 5.0, 5.0)})
    cmp = compare_runs([a, b])
    assert cmp["pairs"][0]["losses"] == 1 and cmp["pairs"][0]["only_b"] == ["u"]
    assert cmp["task_wise"]["runs"]["x"] == {"n_tasks": 1, "win_rate": 0.0}


# ------------------------------------------------------------------ compatibility


def _perfcount_copy(tmp_path: Path, name: str, **header: object) -> Path:
    lines = PERFCOUNT_RESULTS.read_text().splitlines()
    head = json.loads(lines[0])
    head.update(header)
    out = tmp_path / name
    out.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n")
    return out


def test_known_backends_must_agree(tmp_path: Path) -> None:
    other = _perfcount_copy(tmp_path, "sw.results.jsonl", backend="software", metric="task-clock")
    with pytest.raises(InvalidArgument) as info:
        compare_runs([PERFCOUNT_RESULTS, A, other])
    assert str(info.value).startswith(
        "cannot compare runs with different backend: 'valgrind' vs 'software'"
    )
    assert "--allow-mixed" in str(info.value)
    mixed = compare_runs([PERFCOUNT_RESULTS, other], allow_mixed=True)
    assert any("backend differs" in n for n in mixed["notes"])
    # the EvalPlus file's backend is unknown: a note, not a refusal
    cmp = compare_runs([PERFCOUNT_RESULTS, A])
    assert cmp["pairs"][0]["n_common"] == 0 and cmp["pairs"][0]["win_rate"] is None
    assert any("backend not recorded for model-a" in n for n in cmp["notes"])
    # ... but it does count instructions: a task-clock run is refused
    with pytest.raises(InvalidArgument, match="different metric: 'instructions' vs 'task-clock'"):
        compare_runs([A, other])


# ------------------------------------------------------------------ two runs, as before


def _altered(tmp_path: Path) -> Path:
    """The demo results with other DPS on two tasks and one task not passed."""
    lines = [json.loads(line) for line in PERFCOUNT_RESULTS.read_text().splitlines()]
    for obj in lines:
        if obj["kind"] == "task" and obj["task_id"] == "kth_smallest":
            obj["dps"], obj["dps_norm"] = 90.0, 80.0
        if obj["kind"] == "task" and obj["task_id"] == "edit_distance":
            obj["dps"] = obj["dps_norm"] = None
    out = tmp_path / "altered.results.jsonl"
    out.write_text("".join(json.dumps(o) + "\n" for o in lines))
    return out


def test_two_runs_give_exactly_what_compare_gave(tmp_path: Path) -> None:
    from perfcount.pipeline.evaluation import compare as legacy

    b = _altered(tmp_path)
    for x, y in ((PERFCOUNT_RESULTS, b), (b, PERFCOUNT_RESULTS)):
        assert two_run_comparison(str(x), str(y)) == legacy(str(x), str(y))
    got = two_run_comparison(str(PERFCOUNT_RESULTS), str(b))
    assert (got["n_common"], got["wins"], got["ties"], got["losses"]) == (4, 0, 3, 1)
    assert got["only_a"] == ["edit_distance"] and got["only_b"] == []
    other = _perfcount_copy(tmp_path, "o.results.jsonl", backend="software")
    with pytest.raises(InvalidArgument, match="different backend: 'valgrind' vs 'software'"):
        two_run_comparison(PERFCOUNT_RESULTS, other)


def test_compare_scores_is_what_compare_uses() -> None:
    records = [
        {"task_id": "t", "passed": True, "dps": 50.0, "dps_norm": 50.0},
        {"task_id": "u", "passed": False, "dps": None, "dps_norm": None},
    ]
    others = [
        {"task_id": "t", "passed": True, "dps": 40.0, "dps_norm": 60.0},
        {"task_id": "u", "passed": True, "dps": 10.0, "dps_norm": 10.0},
    ]
    assert compare_records(records, others) == compare_scores(
        {"t": 50.0, "u": None}, {"t": 40.0, "u": 10.0}
    )
    with pytest.raises(InvalidArgument, match="tolerance must be"):
        compare_scores({}, {}, tolerance=-1)


# ------------------------------------------------------------------ rendering and the CLI


def test_leaderboard_rendering_and_heatmap(tmp_path: Path) -> None:
    from perfcount.report.compare import plot_compare, print_leaderboard

    cmp = compare_runs([A, B, C])
    out = io.StringIO()
    print_leaderboard(cmp, file=out, per_task=True)
    text = out.getvalue()
    assert "model-a" in text and "60.0%" in text and "41.7%" in text  # model-wise
    assert "58.3%" in text and "37.5%" in text  # task-wise
    assert "1 (33%)" in text and "tasks passed by every run: 2" in text
    fig = plot_compare(cmp)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["model-a", "model-b", "model-c"]
    assert any(a.get_gid() == "heatmap" for a in ax.get_images())
    assert "63.3\n(n=3)" in [t.get_text() for t in ax.texts]
    fig.savefig(tmp_path / "h.png")


def test_heatmap_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfcount.report.compare import plot_compare

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(PerfcountError) as info:
        plot_compare(compare_runs([A, B]))
    assert "figures need matplotlib" in str(info.value)
    assert "pip install 'perfcount[plot]'" in str(info.value)


def test_cli_compares_three_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "heat.png"
    assert main(["compare", str(A), str(B), str(C), "--plot", str(png)]) == 0
    out = capsys.readouterr()
    assert "3 runs" in out.out and "Pairwise" in out.out and "model-c" in out.out
    assert png.stat().st_size > 0 and "heatmap written" in out.err
    assert main(["compare", str(A), f"bee={B}", str(C), "--json"]) == 0
    cmp = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in cmp["runs"]] == ["model-a", "model-c", "bee"]
    assert main(["compare", str(A)]) == 2
    assert "at least two" in capsys.readouterr().err


def test_cli_two_runs_keep_their_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = _altered(tmp_path)
    assert main(["compare", str(PERFCOUNT_RESULTS), str(b), "--json"]) == 0
    from perfcount.pipeline.evaluation import compare as legacy

    assert json.loads(capsys.readouterr().out) == json.loads(
        json.dumps(legacy(str(PERFCOUNT_RESULTS), str(b)))
    )
    assert main(["compare", str(PERFCOUNT_RESULTS), str(b), "--per-task"]) == 0
    text = capsys.readouterr().out
    assert "A wins" in text and "Per common task" in text
    # two EvalPlus files: the same table
    assert main(["compare", str(A), str(B)]) == 0
    assert "A wins" in capsys.readouterr().out
    assert main(["compare", str(A), str(B), "--leaderboard"]) == 0
    assert "win rate (model)" in capsys.readouterr().out
    sw = _perfcount_copy(tmp_path, "sw.results.jsonl", backend="software")
    assert main(["compare", str(PERFCOUNT_RESULTS), str(sw)]) == 2
    assert "different backend" in capsys.readouterr().err


def test_cli_compare_names_a_bad_plot_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = tmp_path / "missing" / "heat.png"
    assert main(["compare", str(A), str(B), "--plot", str(nowhere)]) == 2
    assert "cannot write" in capsys.readouterr().err
