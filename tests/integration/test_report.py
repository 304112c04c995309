"""DataFrames, notebook HTML and figures of real results; the plot CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import perfcount as pc
from perfcount import report

matplotlib = pytest.importorskip("matplotlib", reason="figures need the [plot] extra")

REFS = [
    # slow -> fast, each a clear step down in work
    "def total(n):\n    s = 0\n    for i in range(n):\n        for j in range(30):\n"
    "            s += i\n    return s // 30\n",
    "def total(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n",
    "def total(n):\n    return n * (n - 1) // 2\n",
]
CANDIDATE = "def total(n):\n    return sum(range(n))\n"
WRONG = "def total(n):\n    return n\n"


def write_dataset(path: Path) -> Path:
    header = {
        "format": "perfcount-dataset",
        "format_version": 1,
        "name": "report-mini",
        "version": "1",
    }
    task = {
        "task_id": "total",
        "entry_point": "total",
        "reference": REFS,
        "scores": [40.0, 80.0, 100.0],
        "cluster_sizes": [2, 2, 1],
        "reference_costs": [9e6, 1e6, 1e4],
        "curation": {"backend": "valgrind", "metric": "instructions"},
        "pe_input": [[20000]],
        "tests": [[0], [1], [10]],
        "expected": [0, 0, 45],
    }
    path.write_text("\n".join(json.dumps(o) for o in (header, task)) + "\n")
    return path


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real score and a real evaluation (software backend: task-clock) of a small task."""
    tmp = tmp_path_factory.mktemp("report")
    old = os.environ.get("PERFCOUNT_CACHE_DIR")
    os.environ["PERFCOUNT_CACHE_DIR"] = str(tmp / "cache")
    try:
        ds = pc.load_dataset(write_dataset(tmp / "mini.jsonl"))
        result = pc.score(CANDIDATE, "total", dataset=ds, backend="software")
        samples = [
            {"task_id": "total", "solution": CANDIDATE, "name": "sum"},
            {"task_id": "total", "solution": REFS[1], "name": "loop"},
            {"task_id": "total", "solution": WRONG, "name": "wrong"},
        ]
        out = tmp / "results.jsonl"
        ev = pc.evaluate(samples, ds, backend="software", output=out, workers=1, progress=False)
    finally:
        if old is None:
            os.environ.pop("PERFCOUNT_CACHE_DIR", None)
        else:
            os.environ["PERFCOUNT_CACHE_DIR"] = old
    return {"ds": ds, "result": result, "ev": ev, "results": out, "tmp": tmp}


# ---------------------------------------------------------------- frames and HTML


def test_counts_frame_and_html() -> None:
    with pc.measure(["task-clock", "page-faults"], backend="software") as m:
        sorted(range(20000), key=lambda x: -x)
    frame = m.counts.to_pandas()
    assert list(frame.index) == ["task-clock", "page-faults"]
    assert frame.loc["task-clock", "value"] == m.counts["task-clock"] > 0
    assert frame.loc["task-clock", "overhead"] == m.counts.overhead["task-clock"]
    assert not frame["scaled"].any()
    assert frame.attrs["backend"] == "software"
    html = m.counts._repr_html_()
    assert "task-clock" in html and "backend <b>software</b>" in html
    assert f"{m.counts['task-clock']:,.0f}" in html


def test_counts_frame_lists_uncounted_events_and_gpu_metrics() -> None:
    # reporters take plain records: a Counts as read back from a results file
    counts = pc.Counts.from_dict(
        {
            "values": {"task-clock": 1500},
            "backend": "software",
            "not_counted": ["page-faults"],
            "overhead": {"task-clock": 20},
            "gpu": {"energy_mj": 12.5, "energy_source": "counter", "devices": []},
        }
    )
    frame = counts.to_pandas()
    assert list(frame.index) == ["task-clock", "page-faults", "gpu.energy_mj"]
    assert frame["value"].isna().tolist() == [False, True, False]
    assert frame.loc["gpu.energy_mj", "value"] == 12.5
    html = counts._repr_html_()
    assert "1,500" in html and "–" in html and "12.5" in html


def test_count_summary_frame_and_html() -> None:
    s = pc.count(sorted, list(range(5000, 0, -1)), repeat=4, events=["task-clock"])
    stats = s.to_pandas()
    assert stats.loc["task-clock", "median"] == s.median["task-clock"]
    assert stats.loc["task-clock", "min"] == s.min["task-clock"]
    assert stats.loc["task-clock", "repeats"] == 4
    runs = s.to_pandas(runs=True)
    assert list(runs["task-clock"]) == list(s.values("task-clock"))
    html = s._repr_html_()
    assert "4 repeats" in html and "median" in html


def test_score_result_frame_and_html(real: dict[str, Any]) -> None:
    r = real["result"]
    assert r.passed and r.cost is not None
    frame = r.to_pandas()
    assert list(frame.index) == ["total"]
    assert frame.loc["total", "dps"] == r.dps
    assert frame.loc["total", "backend"] == "software"
    html = r._repr_html_()
    assert f"DPS <b>{r.dps:.1f}</b>" in html and f"{r.cost:,.0f}" in html


def test_evaluation_frame_and_html(real: dict[str, Any]) -> None:
    ev = real["ev"]
    tasks = ev.to_pandas()
    assert list(tasks.index) == ["total"]
    assert tasks.loc["total", "pass@1"] == pytest.approx(200 / 3)
    samples = ev.to_pandas("samples")
    assert sorted(samples["name"]) == ["loop", "sum", "wrong"]
    html = ev._repr_html_()
    assert "pass@1 <b>66.7</b>" in html and "<table" in html and "total" in html


def test_import_perfcount_imports_neither_pandas_nor_matplotlib() -> None:
    code = (
        "import sys, perfcount as pc\n"
        "with pc.measure(backend='software') as m: pass\n"
        "m.counts; pc.ScoreResult; pc.Evaluation; pc.load_ipython_extension\n"
        "assert 'pandas' not in sys.modules, 'pandas'\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# ---------------------------------------------------------------- figures


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _line(ax: Any, gid: str) -> Any:
    found = [line for line in ax.get_lines() if line.get_gid() == gid]
    assert len(found) == 1, [line.get_gid() for line in ax.get_lines()]
    return found[0]


def test_plot_task_marks_the_candidate_among_the_references(
    real: dict[str, Any], tmp_path: Path
) -> None:
    r = real["result"]
    ax = report.plot_task(r, dataset=real["ds"])
    cand = _line(ax, "candidate")
    assert list(cand.get_xdata()) == [r.cost]
    assert f"DPS {r.dps:.1f}" in cand.get_label()
    refs = _line(ax, "references")
    measured = [c for c in r.reference_costs if c is not None]
    assert list(refs.get_xdata()) == measured
    assert ax.get_xscale() == "log"
    lo, hi = ax.get_xlim()
    assert lo < min([*measured, r.cost]) and hi > max([*measured, r.cost])
    texts = " ".join(t.get_text() for t in ax.texts)
    scores = real["ds"]["total"].scores  # cumulative scores come from the task
    for i, c in enumerate(r.reference_costs):
        if c is not None:
            assert f"#{i}\nr={scores[i]:.0f}" in texts
        else:  # scoring profiles references lazily; the figure says which were not needed
            assert f"#{i}" in texts.split("not measured: ")[1]
    out = tmp_path / "task.png"
    ax.figure.savefig(out, dpi=50)
    w, h = _png_size(out)
    assert (w, h) == (400, 160)  # figsize (8, 3.2) at 50 dpi
    assert out.stat().st_size > 5000


def test_plot_task_draws_several_candidates_of_one_task(real: dict[str, Any]) -> None:
    ev = real["ev"]
    ax = report.plot_task(ev.samples, dataset=real["ds"])
    scored = [s for s in ev.samples if s["cost"] is not None]
    marks = [line for line in ax.get_lines() if line.get_gid() == "candidate"]
    assert sorted(m.get_xdata()[0] for m in marks) == sorted(s["cost"] for s in scored)
    texts = " ".join(t.get_text() for t in ax.texts)
    for s in scored:
        assert f"{s['name']} (DPS {s['dps']:.1f})" in texts
    assert ax.get_title() == f"total · {len(scored)} candidates, 1 did not pass"
    other = pc.ScoreResult("other", True, cost=1.0, reference_costs=(2.0, 1.0))
    with pytest.raises(pc.InvalidArgument, match="draws one task"):
        report.plot_task([ev.samples[0], other], dataset=real["ds"])


def test_plot_task_of_a_task_draws_its_stored_costs_without_candidate(real: dict[str, Any]) -> None:
    ax = report.plot_task(real["ds"]["total"])
    assert list(_line(ax, "references").get_xdata()) == [9e6, 1e6, 1e4]
    assert not [line for line in ax.get_lines() if line.get_gid() == "candidate"]


def test_plot_task_refuses_what_it_cannot_draw(real: dict[str, Any]) -> None:
    with pytest.raises(pc.InvalidArgument, match="not int"):
        report.plot_task(3)
    failed = pc.ScoreResult("total", passed=False, status="failed")
    with pytest.raises(pc.InvalidArgument, match="no reference costs"):
        report.plot_task(failed, dataset=real["ds"])


def test_plot_summary_bars_and_distribution(real: dict[str, Any], tmp_path: Path) -> None:
    ev = real["ev"]
    fig = report.plot_summary(ev, figsize=(6, 3))
    bar_ax, hist_ax = fig.axes
    heights = [p.get_width() for p in bar_ax.containers[0]]
    assert heights == [ev.tasks[0]["dps"]]
    assert [t.get_text() for t in bar_ax.get_yticklabels()] == ["total"]
    counts = [p.get_height() for p in hist_ax.containers[0]]
    assert sum(counts) == sum(1 for s in ev.samples if s["passed"] and s["dps"] is not None) == 2
    out = tmp_path / "summary.png"
    fig.savefig(out, dpi=40)
    assert _png_size(out) == (240, 120)


def test_missing_matplotlib_names_the_extra(real: dict[str, Any]) -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from perfcount import report, ScoreResult\n"
        "r = ScoreResult('t', True, dps=50.0, cost=5.0, reference_costs=(10.0, 1.0))\n"
        "try:\n"
        "    report.plot_task(r)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PERFCOUNT_CACHE_DIR": str(real["tmp"] / "cache")},
    )
    assert "PerfcountError" in out.stdout and "pip install 'perfcount[plot]'" in out.stdout


# ---------------------------------------------------------------- CLI


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfcount", *args], capture_output=True, text=True, timeout=120
    )


def test_plot_cli_summary_and_task(real: dict[str, Any], tmp_path: Path) -> None:
    res = str(real["results"])
    done = _cli("plot", res, "-o", str(tmp_path / "s.png"), "--dpi", "50")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "s.png")
    assert _png_size(tmp_path / "s.png") == (500, 200)  # default figsize (10, 4)

    done = _cli("plot", res, "--task", "total", "--dataset", str(real["tmp"] / "mini.jsonl"))
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == real["tmp"] / "results.total.png"
    assert _png_size(real["tmp"] / "results.total.png")[0] > 0


def test_plot_cli_errors_name_the_fix(
    real: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfcount.cli import main  # in-process: the subprocess path is covered above

    res = str(real["results"])
    assert main(["plot", res, "--task", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no task 'nope'" in err and "tasks here: total" in err
    assert main(["plot", res, "-o", str(tmp_path / "x.unknownformat")]) == 2
    assert "use a .png, .svg or .pdf" in capsys.readouterr().err
    assert main(["plot", res, "--sample", "0"]) == 2
    assert "--sample needs --task" in capsys.readouterr().err
    assert main(["plot", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
