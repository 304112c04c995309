"""``python -m perfcount export RESULTS --evalplus [-o PREFIX]``: results in another tool's format.

``--evalplus`` writes EvalPlus's ``<PREFIX>_evalperf_results.json`` and
``<PREFIX>_evalperf_results.brief.json`` (docs/evalplus.md), with the sample
solutions read from the samples file the results name (``--samples`` to point
elsewhere) and the reference sources from the dataset.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from typing import Any

from perfcount.cli import common
from perfcount.errors import DatasetError, InvalidArgument, PerfcountError


class Command:
    name = "export"
    help = (
        "Export an evaluation results file: --evalplus writes EvalPlus's "
        "*_evalperf_results.json and *_evalperf_results.brief.json."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("results", help="results JSONL written by `perfcount evaluate`")
        parser.add_argument(
            "--evalplus",
            action="store_true",
            help="write EvalPlus's evalperf results and brief JSON (the only format so far)",
        )
        parser.add_argument(
            "-o",
            "--output",
            metavar="PREFIX",
            help="write PREFIX_evalperf_results.json and PREFIX_evalperf_results.brief.json "
            "(default: the results path without .results.jsonl)",
        )
        parser.add_argument(
            "--samples",
            help="the samples JSONL that was evaluated, for the solution texts "
            "(default: the one named in the results header)",
        )
        parser.add_argument(
            "--no-solutions",
            action="store_true",
            help="write null solutions instead of reading the samples file",
        )
        common.add_dataset(
            parser,
            default=None,
            help="dataset to read reference sources from (default: the one named in the "
            "results header)",
        )
        parser.add_argument(
            "--temperature",
            type=float,
            default=None,
            help="the sampling temperature to record (perfcount does not know it; default: null)",
        )

    def run(self, args: argparse.Namespace) -> int:
        from perfcount.dpe.evalplus import write_evalplus
        from perfcount.dpe.results import read_results

        if not args.evalplus:
            raise InvalidArgument("choose an export format", hint="--evalplus")
        data = read_results(args.results)
        for note in data.notes:
            print(f"perfcount: note: {note}", file=sys.stderr)
        solutions = None if args.no_solutions else _solutions(data, args.samples, args.results)
        dataset = _dataset(data.header, args.dataset)
        full, brief = write_evalplus(
            data,
            args.output,
            solutions=solutions,
            dataset=dataset,
            temperature=args.temperature,
        )
        print(full)
        print(brief)
        return 0


def _sha(source: str) -> str:
    from perfcount.pipeline.evaluation import normalize_source

    return hashlib.sha256(normalize_source(source).encode()).hexdigest()


def _samples_path(header: dict[str, Any], given: str | None, results: str) -> str:
    if given is not None:
        return given
    named = header.get("samples")
    if not isinstance(named, str) or not named:
        raise DatasetError(
            "the results header names no samples file",
            path=results,
            hint="pass --samples FILE (or --no-solutions)",
        )
    if not os.path.isabs(named) and not os.path.exists(named):
        beside = os.path.join(os.path.dirname(os.path.abspath(results)), named)
        if os.path.exists(beside):
            return beside
    return named


def _solutions(data: Any, given: str | None, results: str) -> dict[int, str]:
    """Sample number → solution, checked against the results' solution hashes."""
    from perfcount.pipeline.evaluation import load_samples

    path = _samples_path(data.header, given, results)
    try:
        samples = load_samples(path)
    except DatasetError as exc:
        raise DatasetError(
            f"cannot read the samples for the solution texts: {exc.message}",
            path=exc.path,
            line=exc.line,
            field=exc.field,
            hint="pass --samples FILE (or --no-solutions)",
        ) from None
    by_number = {s["sample"]: s for s in samples}
    out: dict[int, str] = {}
    for row in data.samples:
        number = row.get("sample")
        s = by_number.get(number)
        if (
            s is None
            or s["task_id"] != row["task_id"]
            or (row.get("solution_sha256") and _sha(s["solution"]) != row["solution_sha256"])
        ):
            raise DatasetError(
                f"sample {number} ({row['task_id']}) of the results is not in {path} as evaluated",
                hint="pass the samples file that was evaluated with --samples (or --no-solutions)",
            )
        out[number] = s["solution"]
    return out


def _dataset(header: dict[str, Any], given: str | None) -> Any:
    from perfcount.dpe.datasets import load_dataset

    named = (header.get("dataset") or {}).get("name")
    name = given or named
    if not name:
        print("perfcount: note: no dataset named; reference solutions are null", file=sys.stderr)
        return None
    try:
        ds = load_dataset(name)
    except PerfcountError as exc:
        if given:
            raise
        print(
            f"perfcount: note: dataset {name!r} not found ({exc.message}); "
            "reference solutions are null (pass --dataset)",
            file=sys.stderr,
        )
        return None
    version = (header.get("dataset") or {}).get("version")
    if version and ds.version and ds.version != version:
        print(
            f"perfcount: note: the results were made with {name} version {version}, "
            f"this is version {ds.version}; reference sources may differ",
            file=sys.stderr,
        )
    return ds
