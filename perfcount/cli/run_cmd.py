"""``python -m perfcount run -- CMD ARGS...``: one counted run with everything about it.

Unlike ``measure`` (which shares the terminal like ``perf stat``), ``run``
captures the command's output (bounded), feeds it ``--stdin FILE`` (or
nothing), and reports the whole :class:`perfcount.ProcessResult`: counts,
exit status/signal, wall time, max RSS, CPU times, truncation and timeout
flags. ``--json`` prints that result (with stdout/stderr) as JSON; otherwise
the command's output is replayed and a table follows on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from perfcount.cli.measure_cmd import add_common_arguments, command_argv, exit_status, render


class Command:
    name = "run"
    help = (
        "Run a command with captured output and print its full counted result "
        "(counts, exit status, wall time, max RSS)."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--stdin", default=None, metavar="FILE", help="feed FILE as stdin")
        parser.add_argument(
            "--max-output",
            type=int,
            default=16 * 2**20,
            metavar="BYTES",
            help="keep at most BYTES of stdout and of stderr (16 MiB)",
        )
        add_common_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        from perfcount.counters.process import run
        from perfcount.errors import InvalidArgument

        argv = command_argv(args)
        data = None
        if args.stdin is not None:
            try:
                data = Path(args.stdin).read_bytes()
            except OSError as exc:
                raise InvalidArgument(
                    f"cannot read --stdin {args.stdin}: {exc.strerror}",
                    hint="pass an existing file",
                ) from exc
        results = []
        for _ in range(args.repeat):
            result = run(
                argv,
                stdin=data,
                events=args.events,
                backend=args.backend,
                timeout=args.timeout,
                max_output=args.max_output,
            )
            results.append(result)
            if result.timed_out:
                break
        if args.json:
            out = [r.to_dict() for r in results]
            json.dump(out[0] if len(out) == 1 else out, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            last = results[-1]
            sys.stdout.buffer.write(last.stdout)
            sys.stdout.flush()
            sys.stderr.buffer.write(last.stderr)
            sys.stderr.flush()
            render(argv, results, extra=True)
            if last.truncated:
                print("  output truncated at --max-output", file=sys.stderr)
        return exit_status(results[-1])
