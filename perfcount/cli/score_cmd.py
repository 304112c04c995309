"""``python -m perfcount score --task ID solution.py``: DPS of one solution."""

from __future__ import annotations

import argparse
import json
import sys

from perfcount.cli import common
from perfcount.errors import InvalidArgument


class Command:
    name = "score"
    help = (
        "Score one solution file against a task's references (correctness, cost, DPS); "
        "exit status 1 when it fails correctness."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("solution", help="Python source file defining the entry point, or -")
        parser.add_argument("--task", required=True, help="task id")
        common.add_dataset(parser)
        common.add_backend(parser)
        common.add_match(parser)
        parser.add_argument("--timeout", type=float, help="per-run wall timeout in seconds")
        parser.add_argument("--no-cache", dest="cache", action="store_false")
        parser.add_argument("--json", action="store_true", help="print the ScoreResult as JSON")

    def run(self, args: argparse.Namespace) -> int:
        from perfcount.pipeline.evaluation import score

        if args.solution == "-":
            source = sys.stdin.read()
        else:
            try:
                with open(args.solution, encoding="utf-8") as fh:
                    source = fh.read()
            except OSError as exc:
                raise InvalidArgument(
                    f"cannot read solution file {args.solution!r}: {exc.strerror}"
                ) from None
            except UnicodeDecodeError as exc:
                raise InvalidArgument(
                    f"solution file {args.solution!r} is not UTF-8 text ({exc.reason} at byte "
                    f"{exc.start})",
                    hint="save the solution as UTF-8",
                ) from None
        result = score(
            source,
            args.task,
            dataset=args.dataset,
            backend=args.backend,
            timeout=args.timeout,
            cache=args.cache,
            match=args.match,
            tolerance=args.tolerance,
        )
        if args.json:
            json.dump(result.to_dict(), sys.stdout, indent=2, default=str)
            print()
        else:
            from perfcount import report

            report.print_score(result)
        return 0 if result.passed else 1
