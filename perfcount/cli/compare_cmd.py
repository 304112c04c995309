"""``python -m perfcount compare a.jsonl b.jsonl``: two runs over commonly passed tasks."""

from __future__ import annotations

import argparse
import json
import sys


class Command:
    name = "compare"
    help = (
        "Compare two evaluation results files over the tasks both scored: mean DPS and "
        "win/tie/loss rates (refuses different backends or metrics)."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("a", help="results JSONL of run A")
        parser.add_argument("b", help="results JSONL of run B")
        parser.add_argument("--per-task", action="store_true", help="also list each common task")
        parser.add_argument("--json", action="store_true", help="print the comparison as JSON")

    def run(self, args: argparse.Namespace) -> int:
        from perfcount.pipeline.evaluation import compare

        result = compare(args.a, args.b)
        if args.json:
            json.dump(result, sys.stdout, indent=2, default=str)
            print()
        else:
            from perfcount import report

            report.print_compare(result, per_task=args.per_task)
        return 0
