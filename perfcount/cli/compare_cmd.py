"""``python -m perfcount compare A B [C ...]``: runs over commonly passed tasks.

Each run is a perfcount results JSONL or an EvalPlus ``*_evalperf_results.json``
/ ``*_evalperf_results.brief.json`` (detected by content); ``NAME=PATH`` names
a run. Two runs print the pairwise comparison as it always has; three or
more (or ``--leaderboard``) print model-wise and task-wise win rates and the
paper's pairwise table. See docs/evalplus.md for the definitions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from perfcount.errors import InvalidArgument


def _run_arg(text: str) -> tuple[str | None, str]:
    """``NAME=PATH`` → (NAME, PATH) unless ``text`` is itself an existing file."""
    if "=" in text and not os.path.exists(text):
        name, _, path = text.partition("=")
        if name and path:
            return name, path
    return None, text


class Command:
    name = "compare"
    help = (
        "Compare evaluation results (perfcount results JSONL, EvalPlus evalperf results or "
        "brief JSON) over the tasks they passed: mean DPS, wins/ties/losses, win rates "
        "(refuses different backends or metrics)."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "runs",
            nargs="+",
            metavar="RUN",
            help="results file of a run (two or more); NAME=PATH names it",
        )
        parser.add_argument("--per-task", action="store_true", help="also list each common task")
        parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
        parser.add_argument(
            "--leaderboard",
            action="store_true",
            help="win rates and the pairwise table even for two runs",
        )
        parser.add_argument(
            "--metric",
            choices=["dps", "dps_norm"],
            default="dps",
            help="what decides a task's winner in the win rates (default: dps)",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=0.0,
            help="score points within which a task is a tie (default: 0, exact)",
        )
        parser.add_argument(
            "--common",
            choices=["pair", "all"],
            default="pair",
            help="pair: each pair over the tasks both passed (default, as the EvalPerf "
            "leaderboard); all: only the tasks every run passed",
        )
        parser.add_argument(
            "--plot",
            metavar="OUT.png",
            help="also draw the pairwise mean-DPS heatmap (needs matplotlib)",
        )
        parser.add_argument(
            "--allow-mixed",
            action="store_true",
            help="compare runs measured with different backends / metrics / datasets "
            "(with a note instead of an error)",
        )

    def run(self, args: argparse.Namespace) -> int:
        from perfcount.dpe.compare import compare_runs, runs_from, two_run_comparison

        if len(args.runs) < 2:
            raise InvalidArgument(
                "compare needs at least two results files", hint="e.g. compare a.jsonl b.jsonl"
            )
        runs = runs_from([_pair(r) for r in args.runs])
        legacy = (
            len(runs) == 2
            and not args.leaderboard
            and args.metric == "dps"
            and args.tolerance == 0
            and args.common == "pair"
        )
        result: dict[str, Any]
        if legacy:
            result = two_run_comparison(runs[0], runs[1], allow_mixed=args.allow_mixed)
        else:
            result = compare_runs(
                runs,
                metric=args.metric,
                tolerance=args.tolerance,
                common=args.common,
                allow_mixed=args.allow_mixed,
            )
        if args.json:
            json.dump(result, sys.stdout, indent=2, default=str)
            print()
        elif legacy:
            from perfcount import report

            report.print_compare(result, per_task=args.per_task)
            for note in result.get("notes") or []:
                print(f"note: {note}")
        else:
            from perfcount.report.compare import print_leaderboard

            print_leaderboard(result, per_task=args.per_task)
        if args.plot:
            sys.stdout.flush()
            self._plot(result if not legacy else None, runs, args)
        return 0

    @staticmethod
    def _plot(result: dict[str, Any] | None, runs: list[Any], args: argparse.Namespace) -> None:
        from perfcount.dpe.compare import compare_runs
        from perfcount.report.compare import plot_compare

        if result is None:
            result = compare_runs(runs, allow_mixed=args.allow_mixed)
        fig = plot_compare(result)
        try:
            fig.savefig(args.plot, dpi=120)
        except (OSError, ValueError) as exc:
            raise InvalidArgument(
                f"cannot write {args.plot} ({exc})",
                hint="give a writable path ending in .png, .svg or .pdf",
            ) from None
        print(f"heatmap written to {args.plot}", file=sys.stderr)


def _pair(text: str) -> Any:
    name, path = _run_arg(text)
    return path if name is None else (name, path)
