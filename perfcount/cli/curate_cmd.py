"""``python -m perfcount curate POOL -o dataset.jsonl``: build a dataset from a pool."""

from __future__ import annotations

import argparse

from perfcount.cli import common


class Command:
    name = "curate"
    help = (
        "Curate a pool of correct solutions (pool JSONL or a directory of task folders) "
        "into a dataset of reference clusters (DPE curation phase)."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        from perfcount.pipeline import curation

        parser.add_argument("pool", help="pool JSONL file or directory of task folders")
        parser.add_argument("-o", "--output", required=True, help="dataset JSONL to write")
        common.add_backend(parser)
        parser.add_argument(
            "--min-clusters",
            type=int,
            default=4,
            metavar="K",
            help="keep tasks with >= K clusters (4)",
        )
        common.add_tasks(parser, help="curate only these task ids")
        parser.add_argument(
            "--allow-no-tests",
            action="store_true",
            help="curate tasks without tests too (their solutions are then checked on the "
            "performance input alone)",
        )
        parser.add_argument(
            "--name", default=None, help="dataset name for the header (default: file stem)"
        )
        parser.add_argument(
            "--version",
            dest="dataset_version",
            default="1",
            metavar="V",
            help="dataset version (1)",
        )
        parser.add_argument(
            "--min-cost",
            type=float,
            default=10_000,
            help="every solution costs at least this (10000)",
        )
        parser.add_argument(
            "--max-cost",
            type=float,
            default=2e8,
            help="the slowest solution costs at most this (2e8)",
        )
        parser.add_argument(
            "--time-wall",
            type=float,
            default=curation.DEFAULT_TIME_WALL,
            metavar="SECONDS",
            help=(
                "seconds a native run may take: the scale search wall, and the profile "
                f"timeout (scaled by the backend, e.g. valgrind) ({curation.DEFAULT_TIME_WALL:g})"
            ),
        )
        parser.add_argument(
            "--memory-wall-mb",
            type=int,
            default=curation.DEFAULT_MEMORY_WALL_MB,
            metavar="MB",
            help=f"scale search: memory per run ({curation.DEFAULT_MEMORY_WALL_MB})",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=None,
            help="use this generator scale for every task (no search)",
        )
        parser.add_argument(
            "--max-scale",
            type=int,
            default=curation.DEFAULT_MAX_SCALE,
            help=f"scale search: highest scale tried ({curation.DEFAULT_MAX_SCALE})",
        )
        parser.add_argument("--bias", type=float, default=0.2, help="clustering bias (0.2)")
        parser.add_argument(
            "--weight", type=float, default=10_000, help="clustering weight (10000)"
        )
        parser.add_argument(
            "--max-cv",
            type=float,
            default=curation.DEFAULT_MAX_CV,
            help=f"software backend: P99 coefficient of variation bound ({curation.DEFAULT_MAX_CV})",
        )
        parser.add_argument(
            "-j", "--workers", type=int, default=1, help="tasks curated at once (1)"
        )
        parser.add_argument(
            "--report",
            metavar="JSON",
            default=None,
            help="also write the kept/dropped summary (reasons, costs) as JSON here",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="no progress (a live view on a terminal, one line per task otherwise)",
        )

    def run(self, args: argparse.Namespace) -> int:
        from pathlib import Path

        from rich.console import Console

        from perfcount.pipeline.curation import curate

        tasks = args.tasks
        output = Path(args.output)
        name = args.name or output.name.removesuffix(".jsonl").removesuffix(".json")
        report = curate(
            args.pool,
            backend=args.backend,
            min_clusters=args.min_clusters,
            min_cost=args.min_cost,
            max_cost=args.max_cost,
            time_wall=args.time_wall,
            memory_wall_mb=args.memory_wall_mb,
            bias=args.bias,
            weight=args.weight,
            max_cv=args.max_cv,
            scale=args.scale,
            max_scale=args.max_scale,
            tasks=tasks,
            workers=args.workers,
            progress=not args.no_progress,
            output=output,
            allow_no_tests=args.allow_no_tests,
            name=name,
            version=args.dataset_version,
        )
        if args.report:
            import json

            Path(args.report).write_text(
                json.dumps(report.to_dict(), indent=1, sort_keys=True) + "\n"
            )
        console = Console(stderr=False, width=max(140, Console().width))
        console.print(report.table())
        console.print(
            f"{len(report.kept)} of {len(report.outcomes)} task(s) kept "
            f"({report.backend}, {report.metric}); wrote {output}"
        )
        return 0 if report.kept else 1
