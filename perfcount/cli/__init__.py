"""``python -m perfcount``: one module per subcommand behind a small protocol.

Each subcommand module defines a ``Command`` with ``name``, ``help``,
``prepare_parser(parser)`` and ``run(args) -> int``. ``main()`` turns
``PerfcountError`` into a clean message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol

from perfcount._version import __version__
from perfcount.errors import PerfcountError

# subcommand name -> module under perfcount.cli; a missing module is skipped so
# that partially installed trees still offer what they have.
SUBCOMMANDS = [
    "info",
    "measure",
    "run",
    "score",
    "evaluate",
    "compare",
    "export",
    "curate",
    "cluster",
    "plot",
    "new_task",
    "pytest",
]


class Command(Protocol):
    name: str
    help: str

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _commands() -> dict[str, Command]:
    found: dict[str, Command] = {}
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"perfcount.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name == f"perfcount.cli.{name}_cmd":
                continue
            raise
        command = module.Command()
        found[command.name] = command
    return found


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = argparse.ArgumentParser(
        prog="python -m perfcount",
        description="Count instructions and other events; score code with Differential Performance Evaluation.",
    )
    parser.add_argument("--version", action="version", version=f"perfcount {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = _commands()
    for name, command in commands.items():
        p = sub.add_parser(name, help=command.help, description=command.help)
        command.prepare_parser(p)
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    passthrough = commands.get(raw[0]) if raw else None
    if passthrough is not None and getattr(passthrough, "passthrough", False):
        # another program's arguments (`pytest -k x`): argparse would take them as ours
        args = argparse.Namespace(command=raw[0], argv=raw[1:])
    else:
        args = parser.parse_args(raw)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return commands[args.command].run(args)
    except PerfcountError as exc:
        print(f"perfcount: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("perfcount: interrupted", file=sys.stderr)
        return 130
