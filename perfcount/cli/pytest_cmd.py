"""``python -m perfcount pytest ARGS...``: pytest under qemu-user, budgets counted by its plugin.

Re-runs this interpreter as ``qemu-x86_64 -cpu <pinned model> -plugin
<perfcount>/_qemu_plugin.so,regions=on python -m pytest --perfcount
--perfcount-backend qemu ARGS`` (the process is replaced: pytest's exit status
is this command's). Every ``@pytest.mark.perfcount(max_instructions=...)`` and
``perfcount`` fixture block is then counted by the plugin: deterministic
guest instructions, the same in every run (``PYTHONHASHSEED`` is 0 unless
set), at a few times native speed. Everything after ``pytest`` goes to pytest.
For the user's own, trusted tests: a test can read and so steer its own count.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


class Command:
    name = "pytest"
    help = (
        "Run pytest under qemu-user with perfcount's plugin: instruction budgets counted "
        "deterministically (all arguments go to pytest)."
    )
    #: the arguments are pytest's: main() hands them over unparsed
    passthrough = True

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("argv", nargs=argparse.REMAINDER, metavar="PYTEST ARGS")

    def run(self, args: argparse.Namespace) -> int:
        return self.run_argv(args.argv)

    def run_argv(self, argv: Sequence[str]) -> int:
        from perfcount.counters import qemu

        rest = list(argv)
        if rest and rest[0] == "--":
            rest = rest[1:]
        cmd = qemu.python_argv(
            ["-m", "pytest", "--perfcount", "--perfcount-backend", "qemu", *rest]
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(cmd[0], cmd, qemu.python_env())
        return 0  # pragma: no cover - execve does not return
