"""Options that several subcommands share, parsed one way everywhere.

``--backend`` offers the names of the backend registry
(:data:`perfcount.counters.backends.NAMES`), ``--dataset`` takes a built-in
name or a path, ``--tasks`` takes task ids comma-separated and/or repeated.
"""

from __future__ import annotations

import argparse

from perfcount.counters.backends import NAMES

__all__ = ["DEFAULT_DATASET", "add_backend", "add_dataset", "add_match", "add_tasks", "task_ids"]

DEFAULT_DATASET = "perfcount-py"


def add_backend(
    parser: argparse.ArgumentParser,
    *,
    choices: tuple[str, ...] = NAMES,
    help: str = "how costs are measured (default: auto: perf, else qemu, else valgrind, else "
    "software)",
) -> None:
    parser.add_argument("--backend", default="auto", choices=list(choices), help=help)


def add_dataset(
    parser: argparse.ArgumentParser,
    *,
    default: str | None = DEFAULT_DATASET,
    help: str | None = None,
) -> None:
    text = help or f"dataset name or path (default: {default})"
    parser.add_argument("--dataset", default=default, help=text)


def task_ids(text: str) -> list[str]:
    """``a,b`` → ``["a", "b"]`` (an argparse type: an empty list is a usage error)."""
    ids = [t.strip() for t in text.split(",") if t.strip()]
    if not ids:
        raise argparse.ArgumentTypeError("--tasks needs at least one task id")
    return ids


class _ExtendTasks(argparse.Action):
    """``--tasks a,b --tasks c`` → ``["a", "b", "c"]``."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
        have = list(getattr(namespace, self.dest, None) or [])
        setattr(namespace, self.dest, have + list(values))


def add_tasks(parser: argparse.ArgumentParser, *, help: str = "only these task ids") -> None:
    parser.add_argument(
        "--tasks",
        type=task_ids,
        action=_ExtendTasks,
        metavar="ID[,ID...]",
        default=None,
        help=f"{help} (comma-separated, repeatable)",
    )


def add_match(parser: argparse.ArgumentParser) -> None:
    """``--match {inclusive,strict}`` and ``--tolerance``: the tie rule of DPE matching."""
    parser.add_argument(
        "--match",
        choices=["inclusive", "strict"],
        default="inclusive",
        help="tie rule: inclusive (default, EvalPlus: a candidate as costly as a reference "
        "gets its score) or strict (the paper's formula: only costlier references count)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=None,
        metavar="COST",
        help="tie width in the metric's unit (default: the backend's; 0 under valgrind)",
    )
