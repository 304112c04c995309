"""Rendering results for people: rich tables and progress, pandas DataFrames.

Reporters take result objects (``Evaluation``, ``ScoreResult``, comparison
dicts) and never touch native state or run anything. This is the only module
that imports rich at module level, and pandas in the functions that build
frames (its import takes ~0.5 s, which every CLI run that prints a table paid);
``import perfcount`` never imports it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from perfcount._util import views
from perfcount.report.progress_view import progress_view

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from perfcount.pipeline.evaluation import Evaluation

__all__ = [
    "compare_table",
    "evaluation_frame",
    "print_compare",
    "print_evaluation",
    "print_score",
    "progress_view",
    "score_table",
    "summary_table",
    "tasks_table",
]


def _console(file: Any = None) -> Console:
    out = file or sys.stdout
    # rich assumes 80 columns when not writing to a terminal; tables need more
    width = None if getattr(out, "isatty", lambda: False)() else 140
    return Console(file=out, highlight=False, width=width)


def _num(v: Any, fmt: str = ".1f") -> str:
    if v is None:
        return "–"
    return format(float(v), fmt)


def _cost(v: Any) -> str:
    return "–" if v is None else f"{float(v):,.0f}"


def tasks_table(ev: Evaluation) -> Table:
    """One row per task: samples, pass@1, DPS and DPS_norm avg/min/max, references measured."""
    table = Table(title="Per task")
    table.add_column("task", no_wrap=True)
    for name in ("samples", "pass@1", "profiled", "DPS", "min", "max", "DPS_norm", "refs", "warn"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("fragile", justify="right", no_wrap=True)
    table.add_column("why", no_wrap=True)
    failures = sample_failures(ev)
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
            str(t["n_fragile"]) if t.get("n_fragile") else "",
            _why_summary(failures.get(str(t["task_id"]), [])),
        )
    return table


def sample_failures(ev: Evaluation) -> dict[str, list[tuple[Any, str, str]]]:
    """Per task: (sample, status, one-line reason) of every sample that did not score."""
    out: dict[str, list[tuple[Any, str, str]]] = {}
    for s in ev.samples:
        status = str(s.get("status") or "")
        if s.get("passed") and status == "ok":
            continue
        if status == "not_profiled":
            continue
        out.setdefault(str(s["task_id"]), []).append((s.get("sample"), status, _reason(s)))
    return out


def _reason(sample: Mapping[str, Any]) -> str:
    """The last meaningful line of a sample's error (the exception, usually)."""
    lines = [ln.strip() for ln in str(sample.get("error") or "").splitlines() if ln.strip()]
    text = lines[-1] if lines else str(sample.get("status") or "")
    return text if len(text) <= 160 else text[:157] + "..."


def _why_summary(fails: list[tuple[Any, str, str]]) -> str:
    if not fails:
        return ""
    counts: dict[str, int] = {}
    for _, status, _r in fails:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


LEGEND = (
    "samples: samples of the task · pass@1: % of them correct · profiled: correct samples "
    "measured and scored · DPS, DPS_norm: mean over the profiled samples (min/max: their "
    "range) · refs: references measured on this machine / stored (the rest were not needed "
    "to place any sample) · warn: warnings, printed below · fragile: scores within the "
    "tie tolerance of a cluster boundary (noise could move them) · why: samples that did not "
    "score, by status (--show-failures lists each with its reason) · – : nothing to show "
    "(no profiled sample). Summary: means over the tasks scored; its min/max are the means of "
    "the per-task minima and maxima; the CI is a bootstrap over tasks."
)


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


def print_evaluation(
    ev: Evaluation, *, file: Any = None, show_failures: bool = False, legend: bool = True
) -> None:
    """Per-task table, summary table (with its legend) and machine line.

    ``show_failures`` lists every sample that did not score with its status
    and the reason (the last line of its error).
    """
    console = _console(file)
    console.print(tasks_table(ev))
    s = ev.summary
    console.print(summary_table(s))
    if legend:
        console.print(LEGEND, style="dim", highlight=False)
    if show_failures:
        for tid, fails in sorted(sample_failures(ev).items()):
            for sample, status, why in fails:
                console.print(
                    f"{tid} sample {sample}: {status}: {why}", markup=False, highlight=False
                )
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
        f"backend {cmp.get('backend') or 'not recorded'} ({cmp.get('metric')}); scored only in A: "
        f"{len(cmp['only_a'])}, only in B: {len(cmp['only_b'])}"
    )


def evaluation_frame(ev: Evaluation, which: str = "tasks") -> pd.DataFrame:
    """``tasks`` or ``samples`` rows of an Evaluation as a DataFrame."""
    import pandas as pd

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


# ---------------------------------------------------------------------------
# DataFrames and HTML for notebooks (the result classes' to_pandas/_repr_html_
# delegate here, so only this module imports pandas).

__all__ += [
    "counts_frame",
    "counts_summary_frame",
    "plot_summary",
    "plot_task",
    "score_frame",
    "to_html",
]


def counts_frame(counts: Any) -> pd.DataFrame:
    """A ``Counts`` as a DataFrame: one row per event (value, scaled, overhead subtracted).

    Events that were not counted get an empty value; numeric NVML metrics of
    the window (when measured with ``gpu=``) follow as ``gpu.<metric>`` rows.
    """
    import pandas as pd

    overhead = getattr(counts, "overhead", {}) or {}
    scaled: frozenset[str] = getattr(counts, "scaled", frozenset())
    rows = [
        {
            "event": name,
            "value": value,
            "scaled": name in scaled,
            "overhead": overhead.get(name, 0),
        }
        for name, value in counts.items()
    ]
    for name in sorted(getattr(counts, "not_counted", ())):
        rows.append({"event": name, "value": None, "scaled": False, "overhead": None})
    gpu = getattr(counts, "gpu", None) or {}
    for key, value in gpu.items():  # NVML window metrics (aggregated over the GPUs)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            rows.append({"event": f"gpu.{key}", "value": value, "scaled": False, "overhead": None})
    frame = pd.DataFrame(rows, columns=["event", "value", "scaled", "overhead"])
    frame = frame.set_index("event")
    frame.attrs["backend"] = counts.backend
    return frame


def counts_summary_frame(summary: Any, *, runs: bool = False) -> pd.DataFrame:
    """A ``CountSummary`` as a DataFrame.

    Default: one row per event with median, min, mean, stdev, cv and the
    number of repeats that counted it. ``runs=True``: one row per repeat, one
    column per event (the raw values behind the statistics).
    """
    import pandas as pd

    if runs:
        frame = pd.DataFrame([dict(r) for r in summary.runs], columns=list(summary.names))
        frame.index.name = "repeat"
    else:
        med, lo, mean, sd, cv = (
            summary.median,
            summary.min,
            summary.mean,
            summary.stdev,
            summary.cv,
        )
        frame = pd.DataFrame(
            [
                {
                    "event": n,
                    "median": med[n],
                    "min": lo[n],
                    "mean": mean[n],
                    "stdev": sd[n],
                    "cv": cv[n],
                    "repeats": len(summary.values(n)),
                }
                for n in summary.names
            ],
            columns=["event", "median", "min", "mean", "stdev", "cv", "repeats"],
        ).set_index("event")
    frame.attrs["backend"] = summary.backend
    return frame


def score_frame(results: Any) -> pd.DataFrame:
    """One or more ``ScoreResult`` (or their dicts) as a DataFrame, one row each."""
    import pandas as pd

    items = [results] if hasattr(results, "to_dict") or isinstance(results, Mapping) else results
    rows = []
    for r in items:
        d = dict(r.to_dict() if hasattr(r, "to_dict") else r)
        d.pop("kind", None)
        rows.append(d)
    frame = pd.DataFrame(rows)
    if "task_id" in frame.columns:
        frame = frame.set_index("task_id")
    return frame


def _escape(text: Any) -> str:
    import html

    return html.escape(str(text))


def _count_text(v: Any) -> str:
    """``1,234,567`` for whole counts, ``1,234.5`` otherwise, ``–`` when not counted."""
    if v is None or v != v:  # None or NaN
        return "–"
    v = float(v)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"


def to_html(obj: Any) -> str:
    """HTML for a notebook cell: a caption line and a table (``_repr_html_`` uses this)."""
    from perfcount.counters.region import Counts, CountSummary
    from perfcount.dpe.scoring import ScoreResult
    from perfcount.pipeline.evaluation import Evaluation

    if isinstance(obj, Counts):
        caption = f"Counts · backend <b>{_escape(obj.backend)}</b>"
        if obj.scaled:
            caption += " · scaled (multiplexed): " + _escape(", ".join(sorted(obj.scaled)))
        if obj.gpu_reason:
            caption += f" · GPU: {_escape(obj.gpu_reason)}"
        frame = counts_frame(obj)
        body = frame.to_html(formatters={"value": _count_text, "overhead": _count_text}, na_rep="–")
    elif isinstance(obj, CountSummary):
        caption = (
            f"CountSummary · {len(obj.runs)} repeats · backend <b>{_escape(obj.backend)}</b>"
            " · median is the headline value"
        )
        frame = counts_summary_frame(obj)
        fmt = {c: _count_text for c in ("median", "min", "mean", "stdev")}
        body = frame.to_html(formatters={**fmt, "cv": "{:.2%}".format})
    elif isinstance(obj, ScoreResult):
        verdict = "passed" if obj.passed else f"did not pass ({obj.status})"
        caption = (
            f"ScoreResult <b>{_escape(obj.task_id)}</b> · {verdict} · "
            f"DPS <b>{obj.dps:.1f}</b> · DPS_norm {obj.dps_norm:.1f} · "
            f"{_escape(obj.metric)} via {_escape(obj.backend)}"
        )
        rows = [
            ("cost", _cost(obj.cost)),
            ("matched cluster", "–" if obj.cluster < 0 else str(obj.cluster)),
            ("reference costs (slow→fast)", ", ".join(_cost(c) for c in obj.reference_costs)),
        ]
        if obj.error:
            rows.append(("error", obj.error))
        body = (
            "<table><tbody>"
            + "".join(f"<tr><th>{_escape(k)}</th><td>{_escape(v)}</td></tr>" for k, v in rows)
            + "</tbody></table>"
        )
    elif isinstance(obj, Evaluation):
        s = obj.summary
        dps = "n/a" if s["dps"] is None else f"{s['dps']:.1f}"
        caption = (
            f"Evaluation · {s['n_tasks']} tasks · {s['n_samples']} samples · "
            f"pass@1 <b>{s['pass@1']:.1f}</b> · DPS <b>{dps}</b> · "
            f"{_escape(s.get('metric'))} via {_escape(s.get('backend'))}"
        )
        frame = evaluation_frame(obj, "tasks")
        keep = [
            c
            for c in ("n_samples", "pass@1", "n_profiled", "dps", "dps_min", "dps_max", "dps_norm")
            if c in frame.columns
        ]
        body = frame[keep].to_html(float_format=lambda v: f"{v:.1f}", na_rep="–")
    else:
        raise TypeError(f"no HTML rendering for {type(obj).__name__}")
    return f"<div class='perfcount'><p>{caption}</p>{body}</div>"


# ---------------------------------------------------------------------------
# Figures (matplotlib, imported lazily; figures are built without pyplot so no
# GUI backend is ever selected: they render with Agg through savefig).

_PLOT_HINT = "pip install 'perfcount[plot]'"


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as exc:
        from perfcount.errors import PerfcountError

        raise PerfcountError(
            f"figures need matplotlib, which is not installed ({exc})",
            hint=_PLOT_HINT,
        ) from None
    return matplotlib, Figure


def _new_axes(ax: Any, figsize: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    _, Figure = _matplotlib()
    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def _task_for(task_id: str, dataset: Any) -> Any:
    """The dataset's Task for ``task_id``, or None when it cannot be found."""
    from perfcount.dpe.datasets import Dataset, load_dataset
    from perfcount.errors import PerfcountError

    try:
        ds = dataset if isinstance(dataset, Dataset) else load_dataset(dataset or "perfcount-py")
    except PerfcountError:
        if dataset is not None:
            raise
        return None
    return ds.get(task_id)


def _plot_data(task_or_result: Any, dataset: Any) -> dict[str, Any]:
    """Normalise a Task / ScoreResult / results line into what plot_task draws."""
    from perfcount.dpe.datasets import Task
    from perfcount.errors import InvalidArgument

    if isinstance(task_or_result, Task):
        task = task_or_result
        if not task.reference_costs:
            raise InvalidArgument(
                f"task {task.task_id!r} has no stored reference costs to draw",
                hint="pass a ScoreResult (references measured on this machine) instead",
            )
        return {
            "task_id": task.task_id,
            "costs": list(task.reference_costs),
            "scores": list(task.scores),
            "sizes": list(task.cluster_sizes or []),
            "cost": None,
            "metric": (task.curation or {}).get("metric", "cost"),
            "backend": (task.curation or {}).get("backend"),
        }
    if hasattr(task_or_result, "to_dict"):
        data = task_or_result.to_dict()
    elif isinstance(task_or_result, Mapping):
        data = dict(task_or_result)
    else:
        raise InvalidArgument(
            f"plot_task() draws a Task, a ScoreResult or a results line, "
            f"not {type(task_or_result).__name__}",
            hint="pass perfcount.score(...)'s result or dataset[task_id]",
        )
    if data.get("kind") == "task":  # a results-file task line: references with costs
        refs = data.get("references") or []
        costs = [r.get("cost") for r in refs]
        scores = [r.get("score") for r in refs]
    else:
        costs = list(data.get("reference_costs") or [])
        scores = []
    task_id = str(data.get("task_id"))
    task = _task_for(task_id, dataset)
    if (
        task is not None
        and len(task.scores) == len(costs)
        and not any(s is not None for s in scores)
    ):
        scores = list(task.scores)
    if not costs or all(c is None for c in costs):
        raise InvalidArgument(
            f"no reference costs for task {task_id!r} in this result (it did not run)",
            hint="plot a result whose references were measured (status ok)",
        )
    return {
        "task_id": task_id,
        "costs": costs,
        "scores": scores,
        "sizes": list(task.cluster_sizes or []) if task is not None else [],
        "cost": data.get("cost") if data.get("kind") != "task" else None,
        "name": data.get("candidate")
        or data.get("name")
        or (f"sample {data['sample']}" if data.get("sample") is not None else None),
        "dps": data.get("dps"),
        "passed": data.get("passed"),
        "status": data.get("status"),
        "metric": data.get("metric", "cost"),
        "backend": data.get("backend"),
    }


def plot_task(task_or_result: Any, *, dataset: Any = None, ax: Any = None) -> Any:
    """Draw a task's reference clusters on a log cost axis, and the candidate among them.

    ``task_or_result``: a ``ScoreResult`` (references as re-measured on this
    machine, the candidate's cost and DPS), a results-file line (sample or
    task), a ``Task`` (its stored curation costs), or a list of results of
    one task (several candidates on one axis). Each reference is a stem at its
    cost, labelled with its cumulative score ``r_i``; the band a cost falls in
    says which DPS it earns (faster than reference i ⇒ at least ``r_i``). A
    candidate is a red marker (gid ``candidate``) labelled with its DPS.
    ``dataset`` is where the task's scores are looked up (default
    ``perfcount-py``). Returns the Axes (``ax.figure.savefig(...)``).
    """
    from perfcount.errors import InvalidArgument

    items = list(task_or_result) if isinstance(task_or_result, (list, tuple)) else [task_or_result]
    if not items:
        raise InvalidArgument("plot_task() got an empty list", hint="pass at least one result")
    datas = [_plot_data(item, dataset) for item in items]
    data = datas[0]
    others = sorted({d["task_id"] for d in datas} - {data["task_id"]})
    if others:
        raise InvalidArgument(
            f"plot_task() draws one task; got {data['task_id']!r} and {', '.join(others)}",
            hint="group the results by task_id first",
        )
    # references are profiled lazily: later results may know costs earlier ones lacked
    costs: list[float | None] = []
    for k in range(max(len(d["costs"]) for d in datas)):
        known = [d["costs"][k] for d in datas if k < len(d["costs"]) and d["costs"][k] is not None]
        costs.append(float(known[0]) if known else None)
    ax = _new_axes(ax, (8.0, 3.2))
    scores = data["scores"]
    measured = [(i, c) for i, c in enumerate(costs) if c is not None and c > 0]
    xs = [c for _, c in measured]
    ax.set_xscale("log")
    # bands: a cost in (t_{i+1}, t_i] earns r_i (the slowest reference it beats is i)
    for k, (i, c) in enumerate(measured):
        right = c
        left = measured[k + 1][1] if k + 1 < len(measured) else min(xs) / 3
        shade = 0.08 + 0.5 * (float(scores[i]) / 100 if i < len(scores) and scores[i] else 0)
        ax.axvspan(left, right, color="tab:green", alpha=min(shade, 0.6), lw=0)
    slowest = max(xs)
    ax.vlines(xs, 0, 1, colors="tab:blue", lw=1.5)
    ax.plot(xs, [1] * len(xs), "o", color="tab:blue", label="references", gid="references")
    for i, c in measured:
        label = f"#{i}"
        if i < len(scores) and scores[i] is not None:
            label += f"\nr={float(scores[i]):.0f}"
        if data["sizes"] and i < len(data["sizes"]):
            label += f"\nn={data['sizes'][i]}"
        ax.annotate(
            label,
            (c, 1),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
        )
    skipped = [f"#{i}" for i, c in enumerate(costs) if c is None or c <= 0]
    if skipped:  # lazily profiled references that scoring did not need, or that failed
        ax.text(
            0.99,
            0.97,
            "not measured: " + ", ".join(skipped),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=7,
            color="0.35",
            gid="unmeasured",
        )
    title = f"{data['task_id']}"
    drawn = [d for d in datas if d.get("cost") is not None and float(d["cost"]) > 0]
    failed = [d for d in datas if d.get("passed") is False]
    for k, d in enumerate(drawn):
        cand = float(d["cost"])
        dps = d.get("dps")
        name = "candidate" if len(datas) == 1 else str(d.get("name") or f"candidate {k + 1}")
        text = name + (f" (DPS {float(dps):.1f})" if dps is not None else "")
        y = 0.5 if len(drawn) == 1 else 0.15 + 0.7 * k / max(1, len(drawn) - 1)
        ax.axvline(cand, color="tab:red", lw=0.8, ls="--")
        ax.plot(
            [cand],
            [y],
            marker="v",
            ms=9,
            color="tab:red",
            ls="none",
            label=text if len(drawn) == 1 else None,
            gid="candidate",
        )
        ax.annotate(
            text,
            (cand, y),
            xytext=(6, 0),
            textcoords="offset points",
            color="tab:red",
            va="center",
            fontsize=7 if len(drawn) > 1 else 8,
        )
        xs = [*xs, cand]
    if len(datas) == 1 and drawn and drawn[0].get("dps") is not None:
        title += f" · DPS {float(drawn[0]['dps']):.1f}"
    elif len(datas) == 1 and failed:
        title += f" · candidate did not pass ({failed[0].get('status')})"
    elif len(datas) > 1:
        title += f" · {len(drawn)} candidates" + (f", {len(failed)} did not pass" if failed else "")
    ax.axvspan(slowest, max(xs) * 3, color="0.9", lw=0)  # slower than every reference: 0
    ax.set_xlim(min(xs) / 3, max(xs) * 3)
    ax.set_ylim(0, 1.6)
    ax.set_yticks([])
    metric = data.get("metric") or "cost"
    backend = data.get("backend")
    ax.set_xlabel(
        f"{metric} (log)" + (f", {backend}" if backend else "") + " — slower to the right"
    )
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    return ax


def plot_summary(evaluation: Any, *, figsize: tuple[float, float] = (10.0, 4.0)) -> Any:
    """Per-task DPS bars (mean, min–max whiskers) and the distribution of sample DPS.

    ``evaluation``: an ``Evaluation`` or the path of a results file. Tasks no
    sample passed are drawn as empty bars marked "none passed". Returns the
    Figure (``fig.savefig("out.png")``).
    """
    from perfcount.pipeline.evaluation import Evaluation

    if not isinstance(evaluation, Evaluation):
        evaluation = Evaluation.load(evaluation)
    _, Figure = _matplotlib()
    fig = Figure(figsize=figsize, layout="constrained")
    ax_bar, ax_hist = fig.subplots(1, 2, width_ratios=[2, 1])
    tasks = sorted(evaluation.tasks, key=lambda t: str(t["task_id"]))
    names = [str(t["task_id"]) for t in tasks]
    means = [t.get("dps") for t in tasks]
    ypos = list(range(len(tasks)))
    ax_bar.barh(ypos, [m or 0 for m in means], color="tab:green", gid="task-dps")
    for y, t in zip(ypos, tasks):
        lo, hi = t.get("dps_min"), t.get("dps_max")
        if lo is not None and hi is not None and t.get("dps") is not None:
            ax_bar.plot([lo, hi], [y, y], color="k", lw=1)
        elif t.get("dps") is None:
            ax_bar.text(1, y, "none passed / not scored", va="center", fontsize=7, color="0.4")
    ax_bar.set_yticks(ypos, names, fontsize=7)
    ax_bar.invert_yaxis()
    ax_bar.set_xlim(0, 105)
    ax_bar.set_xlabel("DPS (mean over samples; line: min–max)")
    s = evaluation.summary
    dps = "n/a" if s["dps"] is None else f"{s['dps']:.1f}"
    ax_bar.set_title(f"per task · pass@1 {s['pass@1']:.1f} · DPS {dps}")
    sample_dps = [
        float(x["dps"]) for x in evaluation.samples if x.get("passed") and x.get("dps") is not None
    ]
    ax_hist.hist(
        sample_dps,
        bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01],
        color="tab:blue",
        gid="sample-dps",
    )
    ax_hist.set_xlabel("DPS of passing samples")
    ax_hist.set_ylabel("samples")
    ax_hist.set_title(f"{len(sample_dps)} passing samples")
    ax_hist.yaxis.get_major_locator().set_params(integer=True)
    fig.suptitle(f"{s.get('metric')} via {s.get('backend')}", fontsize=9)
    return fig


# N-way comparisons (perfcount.dpe.compare) render in perfcount.report.compare
__all__ += ["leaderboard_table", "pairs_table", "plot_compare", "print_leaderboard", "task_table"]


def __getattr__(name: str) -> Any:
    if name in (
        "leaderboard_table",
        "pairs_table",
        "plot_compare",
        "print_leaderboard",
        "task_table",
    ):
        from perfcount.report import compare

        return getattr(compare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The data classes of lower layers find their views here (see perfcount._util.views).
views.register("Counts", "frame", counts_frame)
views.register("CountSummary", "frame", counts_summary_frame)
views.register("ScoreResult", "frame", score_frame)
views.register("Evaluation", "frame", evaluation_frame)
for _name in ("Counts", "CountSummary", "ScoreResult", "Evaluation"):
    views.register(_name, "html", to_html)
views.register("ProgressPlan", "progress", progress_view)
