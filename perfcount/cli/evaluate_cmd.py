"""``python -m perfcount evaluate samples.jsonl``: DPE over a samples file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from perfcount.cli import common


class Command:
    name = "evaluate"
    help = (
        "Check and profile LLM samples (JSONL: task_id, solution) against a dataset's "
        "references and report pass@1, DPS and DPS_norm."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("samples", help="samples JSONL: one {task_id, solution, ...} per line")
        common.add_dataset(parser)
        parser.add_argument(
            "-o",
            "--output",
            help="results JSONL (default: <samples stem>.results.jsonl next to the samples file); "
            "an existing file of the same run is resumed",
        )
        parser.add_argument(
            "--workers", type=int, help="worker processes, one task each (default: cores - 1, ≥ 1)"
        )
        parser.add_argument(
            "--dask",
            metavar="SPEC",
            help="run the tasks on a Dask cluster: local:N starts N single-threaded worker "
            "processes on this machine (loopback only), tcp://HOST:PORT joins a running "
            "scheduler; each task (references and candidates) runs on one worker "
            "(needs pip install 'perfcount[dask]')",
        )
        common.add_backend(parser)
        parser.add_argument(
            "--no-resume",
            dest="resume",
            action="store_false",
            help="do not continue an existing results file (refused unless --overwrite)",
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="replace an existing results file"
        )
        common.add_tasks(parser)
        common.add_match(parser)
        parser.add_argument(
            "--show-failures",
            action="store_true",
            help="list every sample that did not score, with its status and reason",
        )
        parser.add_argument(
            "--preset",
            choices=["evalperf"],
            help="EvalPlus's evalperf defaults (--min-correct 10 --max-profile 20, inclusive "
            "matching, --limit wall, --switch-interval 0.005; its correctness gate with "
            "--plus-tests), recorded in the results header",
        )
        parser.add_argument(
            "--plus-tests",
            action="append",
            metavar="PATH",
            help="EvalPlus's HumanEval+/MBPP+ file (HumanEvalPlus*.jsonl[.gz], "
            "MbppPlus*.jsonl[.gz]) or a folder holding them (repeatable): the tasks they cover "
            "are checked as EvalPerf does, on their base+plus inputs against the canonical "
            "solution's outputs; each task line's 'correctness' says which gate was used",
        )
        parser.add_argument(
            "--min-correct",
            type=int,
            default=1,
            help="profile a task only when it has at least this many correct samples (default: 1)",
        )
        parser.add_argument(
            "--max-profile",
            type=int,
            default=10,
            help="profile at most this many correct samples per task (default: 10; 0 = all)",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            help="per-candidate wall limit in native seconds (default: 5x the slowest "
            "reference's stored cost, at least 1 s); the valgrind backend multiplies it by 50, "
            "since code runs ~50x slower there",
        )
        parser.add_argument(
            "--limit",
            choices=["instructions", "wall"],
            default="instructions",
            help="how a candidate's time limit is decided: 'instructions' (default) gives it "
            "the instructions that limit stands for (1e9 per native second) where the backend "
            "counts instructions, so the verdict does not depend on the machine's load and "
            "qemu stops it there; 'wall' is EvalPerf's wall-clock limit only (--preset "
            "evalperf sets it; an explicit --timeout is a wall limit too)",
        )
        parser.add_argument("--memory-mb", type=int, help="per-candidate memory limit (MiB)")
        parser.add_argument(
            "--switch-interval",
            type=float,
            metavar="SECONDS",
            help="Python candidates' sys.setswitchinterval (default: 1e6, so their threads "
            "switch only where they block and a threaded candidate's count does not drift "
            "with the clock; 0.005 is Python's own, which --preset evalperf sets)",
        )
        parser.add_argument(
            "--no-cache", dest="cache", action="store_false", help="re-measure references"
        )
        parser.add_argument(
            "--no-progress",
            dest="progress",
            action="store_false",
            help="no progress (a live view on a terminal, one line per finished task "
            "otherwise); the tables are still printed at the end",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def run(self, args: argparse.Namespace) -> int:
        import contextlib

        from perfcount.errors import InvalidArgument
        from perfcount.pipeline.evaluation import evaluate

        client = None
        with contextlib.ExitStack() as stack:
            if args.dask:
                from perfcount.integrations.dask import connect, parse_spec

                if args.workers is not None:
                    raise InvalidArgument(
                        "--workers and --dask are exclusive",
                        hint="size a local Dask cluster with --dask local:N",
                    )
                parse_spec(args.dask)  # a bad value fails before the samples are read
                client = stack.enter_context(
                    connect(args.dask, log=lambda msg: print(f"perfcount: {msg}", file=sys.stderr))
                )
            ev = self._evaluate(evaluate, args, client)
        if args.json:
            json.dump(ev.summary, sys.stdout, indent=2, default=str)
            print()
        else:
            from perfcount import report

            report.print_evaluation(ev, show_failures=args.show_failures)
        return 0

    def _evaluate(self, evaluate: Any, args: argparse.Namespace, client: Any) -> Any:
        return evaluate(
            args.samples,
            args.dataset,
            workers=args.workers,
            executor=client,
            output=args.output,
            resume=args.resume,
            overwrite=args.overwrite,
            backend=args.backend,
            min_correct=args.min_correct,
            max_profile=args.max_profile or None,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            tasks=args.tasks,
            cache=args.cache,
            progress=args.progress and not args.json,
            match=args.match,
            tolerance=args.tolerance,
            preset=args.preset,
            plus_tests=args.plus_tests,
            limit=args.limit,
            switch_interval=args.switch_interval,
        )
