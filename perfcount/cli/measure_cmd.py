"""``python -m perfcount measure -e EVENTS -- CMD ARGS...``: ``perf stat`` for any command.

The command shares this terminal (stdin, stdout, stderr), like ``perf stat``;
the counts table goes to stderr when the command ends. ``--json`` prints the
results as JSON on stdout instead (the command's own output is then captured
and relayed to stderr, so stdout stays parseable). ``-r N`` runs the command
N times and reports median, min, max and the coefficient of variation.

Exit status: the command's own; 128+N when it was killed by signal N; 124
when it timed out; 2 for perfcount's own errors.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from typing import Any

from perfcount._util.stats import cv, median
from perfcount.cli import common
from perfcount.counters.events import unit_of


def exit_status(result: Any) -> int:
    """The shell-style exit status of a ProcessResult."""
    if result.timed_out:
        return 124
    if result.signal:
        return 128 + int(result.signal)
    return int(result.returncode or 0)


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-e",
        "--events",
        default=None,
        metavar="EVENTS",
        help="comma-separated events, e.g. task-clock,page-faults or instructions:u,r01c2 "
        "(default: the backend's set)",
    )
    common.add_backend(
        parser,
        help="perf (hardware counters), qemu (qemu-user + perfcount's plugin) or valgrind "
        "(callgrind): the instructions of the whole process tree, deterministic; software "
        "(task-clock etc.); auto (default: perf, else software)",
    )
    parser.add_argument(
        "-r", "--repeat", type=int, default=1, metavar="N", help="run the command N times (1)"
    )
    parser.add_argument(
        "--timeout", type=float, default=None, metavar="S", help="kill the command after S seconds"
    )
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.add_argument(
        "argv", nargs=argparse.REMAINDER, metavar="-- CMD ARGS", help="the command to count"
    )


def command_argv(args: argparse.Namespace) -> list[str]:
    from perfcount.errors import InvalidArgument

    argv = list(args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        raise InvalidArgument(
            "no command given", hint="put the command after --, e.g. measure -- python -c pass"
        )
    if args.repeat < 1:
        raise InvalidArgument(f"--repeat must be >= 1, got {args.repeat}")
    return argv


def summarise(results: list[Any]) -> dict[str, dict[str, float]]:
    """Per event: median, min, max, mean, cv over the runs."""
    names: dict[str, None] = {}
    for r in results:
        names.update(dict.fromkeys(r.counts))
    out: dict[str, dict[str, float]] = {}
    for name in names:
        vals = [float(r.counts[name]) for r in results if name in r.counts]
        mean = statistics.fmean(vals)
        out[name] = {
            "median": median(vals),
            "min": min(vals),
            "max": max(vals),
            "mean": mean,
            "cv": cv(vals) or 0.0,
        }
    return out


def render(argv: list[str], results: list[Any], *, file: Any = None, extra: bool = False) -> None:
    """A perf-stat-like table (rich) of one or more runs of a command."""
    import shlex

    from rich.console import Console
    from rich.table import Table

    console = Console(file=file or sys.stderr)
    n = len(results)
    title = f"Performance counter stats for '{shlex.join(argv)}'" + (
        f" ({n} runs)" if n > 1 else ""
    )
    # the heading is printed on its own (rich would wrap a long command mid-word)
    console.print(title, markup=False, highlight=False, soft_wrap=True)
    table = Table(box=None)
    table.add_column("value" if n == 1 else "median", justify="right")
    table.add_column("event")
    if n > 1:
        table.add_column("± cv", justify="right")
        table.add_column("min … max", justify="right")
    table.add_column("note")
    stats = summarise(results)
    last = results[-1].counts
    for name, s in stats.items():
        unit = unit_of(name)
        note = []
        if any(name in r.counts.scaled for r in results):
            note.append("scaled (multiplexed)")
        if unit == "ns":
            note.append(f"{s['median'] / 1e6:,.3f} msec")
        row = [f"{s['median']:,.0f}", name + (f" ({unit})" if unit else "")]
        if n > 1:
            row += [f"{s['cv']:.2%}", f"{s['min']:,.0f} … {s['max']:,.0f}"]
        table.add_row(*row, "; ".join(note))
    for name in sorted(last.not_counted):
        table.add_row("<not counted>", name, *([""] * (2 if n > 1 else 0)), "the event never ran")
    console.print(table)
    walls = [r.wall_ns for r in results]
    console.print(
        f"  {median(walls) / 1e9:.9f} seconds time elapsed" + (" (median)" if n > 1 else "")
    )
    if extra:
        r = results[-1]
        console.print(
            f"  max RSS {r.max_rss / 2**20:,.1f} MiB, user {r.user_ns / 1e9:.3f} s, "
            f"system {r.system_ns / 1e9:.3f} s, exit status {exit_status(r)}"
        )
    if last.backend_reason:
        console.print(f"  backend {last.backend}: {last.backend_reason}", style="dim")
    if any(r.timed_out for r in results):
        console.print("  [red]timed out[/] (the process group was killed)")


def run_repeated(args: argparse.Namespace, argv: list[str], *, capture: bool) -> list[Any]:
    from perfcount.counters.process import run

    results = []
    for _ in range(args.repeat):
        result = run(
            argv,
            events=args.events,
            backend=args.backend,
            timeout=args.timeout,
            capture=capture,
        )
        results.append(result)
        if capture:
            # relay the command's output where it does not disturb our stdout
            sys.stderr.buffer.write(result.stdout)
            sys.stderr.buffer.write(result.stderr)
            sys.stderr.flush()
        if result.timed_out:
            break
    return results


class Command:
    name = "measure"
    help = "Count a command's events from exec to exit, like `perf stat` (any language)."

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        add_common_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        argv = command_argv(args)
        results = run_repeated(args, argv, capture=args.json)
        if args.json:
            payload = {
                "argv": argv,
                "runs": [
                    {
                        "counts": r.counts.to_dict(),
                        "returncode": r.returncode,
                        "signal": r.signal,
                        "wall_ns": r.wall_ns,
                        "max_rss": r.max_rss,
                        "timed_out": r.timed_out,
                    }
                    for r in results
                ],
                "summary": summarise(results),
            }
            json.dump(payload, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            render(argv, results)
        return exit_status(results[-1])
