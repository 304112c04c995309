"""``python -m perfcount plot results.jsonl -o out.png``: figures of an evaluation."""

from __future__ import annotations

import argparse
import os
from typing import Any

from perfcount.cli import common
from perfcount.errors import InvalidArgument


class Command:
    name = "plot"
    help = (
        "Draw an evaluation results file: per-task DPS bars and the DPS distribution, or with "
        "--task one task's reference clusters and a sample's position among them."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("results", help="results JSONL written by `perfcount evaluate`")
        parser.add_argument(
            "-o",
            "--output",
            help="image file; the format follows the extension (.png, .svg, .pdf; "
            "default: <results stem>.png, or <results stem>.<task>.png with --task)",
        )
        parser.add_argument("--task", help="draw this task's clusters instead of the summary")
        parser.add_argument(
            "--sample",
            type=int,
            help="with --task: the sample number to mark (default: every scored sample)",
        )
        common.add_dataset(
            parser,
            default=None,
            help="dataset to read the task's cumulative scores from "
            "(default: the one named in the results header)",
        )
        parser.add_argument("--dpi", type=int, default=120, help="resolution (default: 120)")

    def run(self, args: argparse.Namespace) -> int:
        from perfcount import report
        from perfcount.pipeline.evaluation import Evaluation

        ev = Evaluation.load(args.results)
        stem = args.results[: -len(".jsonl")] if args.results.endswith(".jsonl") else args.results
        if args.task is None:
            if args.sample is not None:
                raise InvalidArgument("--sample needs --task", hint="e.g. --task kth_smallest")
            fig = report.plot_summary(ev)
            out = args.output or f"{stem}.png"
        else:
            item = _pick(ev, args.task, args.sample)
            dataset = args.dataset or (ev.header.get("dataset") or {}).get("name")
            ax = report.plot_task(item, dataset=dataset)
            fig = ax.figure
            out = args.output or f"{stem}.{args.task}.png"
        try:
            fig.savefig(out, dpi=args.dpi)
        except OSError as exc:
            raise InvalidArgument(f"cannot write {out!r}: {exc.strerror}") from None
        except ValueError as exc:  # unknown image format
            raise InvalidArgument(
                f"cannot write {out!r}: {exc}", hint="use a .png, .svg or .pdf file name"
            ) from None
        print(os.path.abspath(out))
        return 0


def _pick(ev: object, task_id: str, sample: int | None) -> Any:
    """What to draw for ``task_id``: the chosen sample, else all scored samples, else the task line."""
    samples = [s for s in ev.samples if s.get("task_id") == task_id]  # type: ignore[attr-defined]
    tasks = [t for t in ev.tasks if t.get("task_id") == task_id]  # type: ignore[attr-defined]
    if not tasks:
        known = sorted({str(t.get("task_id")) for t in ev.tasks})  # type: ignore[attr-defined]
        raise InvalidArgument(
            f"no task {task_id!r} in these results",
            hint="tasks here: " + ", ".join(known[:20]) + (" ..." if len(known) > 20 else ""),
        )
    if sample is not None:
        for s in samples:
            if s.get("sample") == sample:
                if not s.get("reference_costs"):
                    break
                return s
        numbers = [s.get("sample") for s in samples if s.get("reference_costs")]
        raise InvalidArgument(
            f"task {task_id!r} has no scored sample {sample}",
            hint=f"scored samples: {numbers}" if numbers else "no sample of it was profiled",
        )
    scored = [s for s in samples if s.get("cost") is not None and s.get("reference_costs")]
    return scored or tasks[0]
