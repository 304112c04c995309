"""Rendering results for people: rich tables and progress, pandas DataFrames.

Reporters take result objects (``Evaluation``, ``ScoreResult``, comparison
dicts) and never touch native state or run anything. This is the only module
that imports rich and pandas at module level; ``import perfcount`` never
imports it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

if TYPE_CHECKING:  # pragma: no cover
    from perfcount.evaluation import Evaluation

__all__ = [
    "compare_table",
    "evaluation_frame",
    "print_compare",
    "print_evaluation",
    "print_score",
    "score_table",
    "summary_table",
    "task_progress",
    "tasks_table",
]


def _console(file: Any = None) -> Console:
    out = file or sys.stdout
    # rich assumes 80 columns when not writing to a terminal; tables need more
    width = None if getattr(out, "isatty", lambda: False)() else 120
    return Console(file=out, highlight=False, width=width)


def _num(v: Any, fmt: str = ".1f") -> str:
    if v is None:
        return "–"
    return format(float(v), fmt)


def _cost(v: Any) -> str:
    return "–" if v is None else f"{float(v):,.0f}"


@contextlib.contextmanager
def task_progress(
    total: int, *, completed: int = 0, enabled: bool = True
) -> Iterator[Callable[[str, Mapping[str, Any]], None]]:
    """A rich progress bar over tasks; yields ``advance(task_id, task_line)``."""
    if not enabled:
        yield lambda tid, line: None
        return
    progress = Progress(
        TextColumn("[bold]evaluate"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=False,
    )
    with progress:
        bar = progress.add_task("tasks", total=total, completed=completed, last="")

        def advance(tid: str, line: Mapping[str, Any]) -> None:
            dps = line.get("dps")
            last = f"{tid}: pass@1 {_num(line.get('pass@1'))}" + (
                f", DPS {_num(dps)}" if dps is not None else ""
            )
            progress.update(bar, advance=1, last=last)

        yield advance


def tasks_table(ev: Evaluation) -> Table:
    """One row per task: samples, pass@1, DPS and DPS_norm avg/min/max, references measured."""
    table = Table(title="Per task")
    table.add_column("task", no_wrap=True)
    for name in ("samples", "pass@1", "profiled", "DPS", "min", "max", "DPS_norm", "refs", "warn"):
        table.add_column(name, justify="right", no_wrap=True)
    for t in sorted(ev.tasks, key=lambda t: str(t["task_id"])):
        refs = t.get("references") or []
        measured = sum(1 for r in refs if r.get("cost") is not None)
        warnings = t.get("warnings") or []
        table.add_row(
            str(t["task_id"]),
            str(t.get("n_samples")),
            _num(t.get("pass@1")),
            str(t.get("n_profiled")),
            _num(t.get("dps")),
            _num(t.get("dps_min")),
            _num(t.get("dps_max")),
            _num(t.get("dps_norm")),
            f"{measured}/{len(refs)}",
            str(len(warnings)) if warnings else "",
        )
    return table


def summary_table(summary: Mapping[str, Any]) -> Table:
    """The paper's Table 3 columns: pass@1, DPS and DPS_norm avg/min/max, plus the CI."""
    table = Table(title="Summary")
    table.add_column("tasks scored", justify="right", no_wrap=True)
    for col in ("pass@1", "DPS", "min", "max", "DPS 95% CI", "DPS_norm", "min", "max"):
        table.add_column(col, justify="right", no_wrap=True)
    ci = summary.get("dps_ci")
    table.add_row(
        f"{summary['n_scored_tasks']}/{summary['n_tasks']}",
        _num(summary["pass@1"]),
        _num(summary["dps"]),
        _num(summary["dps_min"]),
        _num(summary["dps_max"]),
        "–" if not ci else f"[{ci[0]:.1f}, {ci[1]:.1f}]",
        _num(summary["dps_norm"]),
        _num(summary["dps_norm_min"]),
        _num(summary["dps_norm_max"]),
    )
    return table


def print_evaluation(ev: Evaluation, *, file: Any = None) -> None:
    """Per-task table, summary table and machine line."""
    console = _console(file)
    console.print(tasks_table(ev))
    s = ev.summary
    console.print(summary_table(s))
    machine = s.get("machine") or {}
    ds = s.get("dataset") or {}
    console.print(
        f"dataset {ds.get('name')} {ds.get('version') or ''} · backend {s.get('backend')} "
        f"({s.get('metric')}) · perfcount {s.get('perfcount')} · "
        f"{machine.get('cpu_model') or ''} · {machine.get('hostname', '')}"
        + (f"\nresults: {ev.path}" if ev.path else "")
    )
    for t in sorted(ev.tasks, key=lambda t: str(t["task_id"])):
        for w in t.get("warnings") or []:
            console.print(f"[yellow]warning:[/] {t['task_id']}: {w}")
    for note in ev.notes:
        console.print(f"[yellow]note:[/] {note}")


def score_table(result: Any) -> Table:
    """A ScoreResult as a two-column table."""
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    table = Table(title=f"score: {data.get('task_id')}", show_header=False)
    table.add_column("field")
    table.add_column("value", overflow="fold")
    for key in ("passed", "status", "dps", "dps_norm", "cluster", "cost", "metric", "backend"):
        v = data.get(key)
        if key == "cost":
            text = _cost(v)
        elif key in ("dps", "dps_norm"):
            text = _num(v)
        else:
            text = str(v)
        table.add_row(key, text)
    costs = data.get("reference_costs") or []
    table.add_row("reference costs (slow→fast)", ", ".join(_cost(c) for c in costs))
    if data.get("error"):
        table.add_row("error", str(data["error"]))
    return table


def print_score(result: Any, *, file: Any = None) -> None:
    _console(file).print(score_table(result))


def compare_table(cmp: Mapping[str, Any]) -> Table:
    """Pairwise comparison over commonly passed tasks."""
    table = Table(title=f"A = {cmp.get('a')}   B = {cmp.get('b')}")
    for col in (
        "common tasks",
        "DPS A",
        "DPS B",
        "DPS_norm A",
        "DPS_norm B",
        "A wins",
        "ties",
        "B wins",
    ):
        table.add_column(col, justify="right")
    n = cmp["n_common"]

    def rate(k: str, r: str) -> str:
        return f"{cmp[k]} ({100 * cmp[r]:.0f}%)" if n else "–"

    table.add_row(
        str(n),
        _num(cmp["dps_a"]),
        _num(cmp["dps_b"]),
        _num(cmp["dps_norm_a"]),
        _num(cmp["dps_norm_b"]),
        rate("wins", "win_rate"),
        rate("ties", "tie_rate"),
        rate("losses", "loss_rate"),
    )
    return table


def print_compare(cmp: Mapping[str, Any], *, file: Any = None, per_task: bool = False) -> None:
    console = _console(file)
    if per_task and cmp["tasks"]:
        t = Table(title="Per common task")
        for col in ("task", "DPS A", "DPS B"):
            t.add_column(col, justify="right" if col != "task" else "left")
        for row in cmp["tasks"]:
            t.add_row(row["task_id"], _num(row["dps_a"]), _num(row["dps_b"]))
        console.print(t)
    console.print(compare_table(cmp))
    console.print(
        f"backend {cmp.get('backend')} ({cmp.get('metric')}); scored only in A: "
        f"{len(cmp['only_a'])}, only in B: {len(cmp['only_b'])}"
    )


def evaluation_frame(ev: Evaluation, which: str = "tasks") -> pd.DataFrame:
    """``tasks`` or ``samples`` rows of an Evaluation as a DataFrame."""
    if which == "tasks":
        rows = [{k: v for k, v in t.items() if k not in ("kind", "references")} for t in ev.tasks]
    elif which == "samples":
        rows = [{k: v for k, v in s.items() if k != "kind"} for s in ev.samples]
    else:
        raise ValueError(f"which must be 'tasks' or 'samples', not {which!r}")
    frame = pd.DataFrame(rows)
    if "task_id" in frame.columns and which == "tasks":
        frame = frame.set_index("task_id")
    return frame
