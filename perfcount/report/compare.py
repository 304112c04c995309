"""Rendering N-way comparisons (:func:`perfcount.dpe.compare.compare_runs`): tables and a heatmap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from perfcount.report import _console, _matplotlib, _num

__all__ = [
    "leaderboard_table",
    "pairs_table",
    "plot_compare",
    "print_leaderboard",
    "task_table",
]


def _rate(v: Any) -> str:
    return "–" if v is None else f"{100 * float(v):.1f}%"


def leaderboard_table(cmp: Mapping[str, Any]) -> Table:
    """One row per run, best model-wise win rate first."""
    metric = "DPS" if cmp.get("metric") == "dps" else "DPS_norm"
    common = "tasks every run passed" if cmp.get("common") == "all" else "commonly passed tasks"
    table = Table(title=f"{cmp['n_runs']} runs · wins on {metric} over {common}")
    table.add_column("#", justify="right")
    table.add_column("run", no_wrap=True)
    for col in ("passed", "pass@1", "DPS", "DPS_norm", "win rate (model)", "win rate (task)"):
        table.add_column(col, justify="right", no_wrap=True)
    for rank, r in enumerate(cmp["runs"], 1):
        table.add_row(
            str(rank),
            str(r["name"]),
            f"{r['n_passed']}/{r['n_tasks']}",
            _num(r.get("pass@1")),
            _num(r.get("dps")),
            _num(r.get("dps_norm")),
            _rate(r.get("model_win_rate")),
            _rate(r.get("task_win_rate")),
        )
    return table


def pairs_table(cmp: Mapping[str, Any]) -> Table:
    """The paper's pairwise table: common tasks, mean DPS of each, wins / ties / losses of A."""
    table = Table(title="Pairwise, over the tasks both passed")
    for col in ("A", "B", "common", "DPS A", "DPS B", "DPS_norm A", "DPS_norm B"):
        table.add_column(col, justify="left" if col in ("A", "B") else "right", no_wrap=True)
    for col in ("A wins", "ties", "B wins"):
        table.add_column(col, justify="right", no_wrap=True)
    for p in cmp["pairs"]:
        n = p["n_common"]

        def cell(k: str, r: str, p: Mapping[str, Any] = p, n: int = n) -> str:
            return f"{p[k]} ({100 * p[r]:.0f}%)" if n else "–"

        table.add_row(
            str(p["a"]),
            str(p["b"]),
            str(n),
            _num(p["dps_a"]),
            _num(p["dps_b"]),
            _num(p["dps_norm_a"]),
            _num(p["dps_norm_b"]),
            cell("wins", "win_rate"),
            cell("ties", "tie_rate"),
            cell("losses", "loss_rate"),
        )
    return table


def task_table(cmp: Mapping[str, Any]) -> Table:
    """Per task: each run's share of the other passing runs it beats there."""
    names = [r["name"] for r in cmp["runs"]]
    table = Table(title="Per task: share of the other passing runs beaten (ties ½)")
    table.add_column("task", no_wrap=True)
    table.add_column("runs", justify="right")
    for n in names:
        table.add_column(str(n), justify="right", no_wrap=True)
    for tid, row in cmp["task_wise"]["tasks"].items():
        share = row["win_share"]
        table.add_row(
            str(tid),
            str(row["n_runs"]),
            *[_rate(share.get(n)) if n in share else "" for n in names],
        )
    return table


def print_leaderboard(cmp: Mapping[str, Any], *, file: Any = None, per_task: bool = False) -> None:
    """Leaderboard, pairwise table (and per-task shares), then notes."""
    console = _console(file)
    console.print(leaderboard_table(cmp))
    console.print(pairs_table(cmp))
    if per_task and cmp["task_wise"]["tasks"]:
        console.print(task_table(cmp))
    console.print(f"tasks passed by every run: {cmp['n_common_all']}")
    for note in cmp.get("notes") or []:
        console.print(f"[yellow]note:[/] {note}", soft_wrap=True)


def plot_compare(cmp: Mapping[str, Any], *, figsize: tuple[float, float] | None = None) -> Any:
    """The pairwise heatmap: cell (i, j) is run i's mean DPS over the tasks it shares with run j.

    The diagonal is each run's mean over every task it passed; each cell also
    shows the number of common tasks. Returns the matplotlib Figure (needs
    the ``plot`` extra: ``pip install 'perfcount[plot]'``).
    """
    _, Figure = _matplotlib()
    heat = cmp["heatmap"]
    names = [str(n) for n in heat["names"]]
    k = len(names)
    size = figsize or (max(4.0, 1.1 * k + 2.5), max(3.2, 0.9 * k + 1.8))
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    values = [[float("nan") if v is None else float(v) for v in row] for row in heat["values"]]
    image = ax.imshow(values, vmin=0, vmax=100, cmap="viridis", gid="heatmap")
    for i in range(k):
        for j in range(k):
            v, n = heat["values"][i][j], heat["n"][i][j]
            text = "–" if v is None else f"{v:.1f}\n(n={n})"
            shade = "black" if v is not None and v > 60 else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=shade)
    ax.set_xticks(range(k), names, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(k), names, fontsize=8)
    ax.set_xlabel("against")
    metric = "DPS" if heat.get("metric") == "dps" else "DPS_norm"
    ax.set_ylabel(f"mean {metric} of")
    ax.set_title(f"mean {metric} over commonly passed tasks")
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig
