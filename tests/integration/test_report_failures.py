"""The evaluation report says why samples did not score, and explains its columns."""

from __future__ import annotations

import io
from pathlib import Path

from perfcount import report
from perfcount.pipeline.evaluation import Evaluation

RESULTS = Path(__file__).resolve().parents[1] / "data" / "perfcount-demo.results.jsonl"


def _printed(**kw: object) -> str:
    out = io.StringIO()
    report.print_evaluation(Evaluation.load(RESULTS), file=out, **kw)
    return out.getvalue()


def test_the_why_column_counts_failed_and_timed_out_samples() -> None:
    text = _printed()
    row = next(line for line in text.splitlines() if "longest_increasing_subsequence" in line)
    assert "1 failed" in row
    row = next(line for line in text.splitlines() if "stair_climb_ways_mod" in line)
    assert "1 timeout" in row  # a timed-out sample is flagged, not silently DPS 0


def test_show_failures_lists_each_reason_and_the_legend_explains_the_columns() -> None:
    text = _printed(show_failures=True)
    assert "sample 17: failed: wrong output on test 2" in " ".join(text.split())
    assert "sample 18: timeout: exceeded the wall-clock limit" in " ".join(text.split())
    flat = " ".join(text.split())
    for words in ("refs: references measured", "means of the per-task minima", "why:"):
        assert words in flat
    assert "sample 17" not in _printed()  # only on request
