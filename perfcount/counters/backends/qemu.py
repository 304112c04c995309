"""``qemu`` backend: deterministic instruction counts from qemu-user and perfcount's plugin.

Candidates run under ``qemu-x86_64 -cpu`` :data:`~perfcount.counters.qemu.CPU_MODEL`
with the TCG plugin built from ``native/qemu/`` (see
:mod:`perfcount.counters.qemu`): instructions counted inline per
translation block, a few times native speed where callgrind is ~50x. The
count is the candidate's whole life, from the arm marker its fork-server
child issues before the candidate's code to its exit, every process it forks
included; the candidate cannot reset, hide or forge it through the plugin.

Python candidates run in a fork server that itself runs under qemu
(``server = "qemu"``: interpreter start-up is paid once per runner); commands
(``perfcount.run(argv, backend="qemu")`` and the command runner) are counted
as whole process trees. A region of the caller's own process is counted
only when that process itself runs under qemu with the plugin's
``regions=on`` (``python -m perfcount pytest``): two reads of its running
count through the region marker. That mode is for the user's own, trusted
code; the fork server never enables it, so a candidate's marker does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from perfcount.counters import qemu
from perfcount.counters.backends.base import InstructionsOnly, Region
from perfcount.errors import BackendError, CandidateError

__all__ = ["QemuBackend"]


class QemuBackend(InstructionsOnly):
    name = "qemu"
    #: the fork server itself runs under qemu-x86_64 (start-up paid once per runner)
    server = "qemu"
    timeout_factor = qemu.TIMEOUT_FACTOR

    def check_in_process(self) -> None:
        if not qemu.running_regions():
            raise BackendError(
                f"backend='qemu' counts a region of this process only under qemu; {qemu.NOT_UNDER_QEMU}",
                hint=qemu.UNDER_QEMU_HINT,
            )

    def check_available(self) -> None:
        qemu.check_available()

    def auto_refusal(self) -> str | None:
        return qemu.unverified_reason(qemu.describe()["version"] or "")

    def tool(self) -> str:
        # measured: /bin/true costs 91,043 instructions under qemu 7.2, 94,443 under 10.0
        facts = qemu.describe()
        return f"qemu {facts['version']} -cpu {facts['cpu']}"

    def spec(self) -> dict[str, Any]:
        # the emulated CPU is part of what a count means: a different model changes it
        return {**super().spec(), "cpu": qemu.CPU_MODEL}

    @contextmanager
    def region(self, label: str) -> Iterator[Region]:
        """Two reads of this process's running count (under qemu with ``regions=on``)."""
        out = Region()
        start = qemu.region_count()
        try:
            yield out
        finally:
            out.values["instructions"] = float(qemu.region_count() - start)

    def run_values(self, run: dict[str, Any]) -> Region:
        """The instructions of one run's process tree, from the plugin's authenticated records."""
        got = run.get("qemu")
        if not isinstance(got, dict):
            raise BackendError("the qemu plugin reported nothing for the candidate")
        if got.get("forged"):
            raise CandidateError(f"the count cannot be trusted: {got['forged']}")
        if got.get("rearm"):
            raise CandidateError(
                f"the count cannot be trusted: the candidate issued the arm marker itself "
                f"({got['rearm']} time(s))"
            )
        problems = list(got.get("problems") or ())
        if problems:
            # work outside the counted tree (an exec, a child with no record) is hidden work
            raise CandidateError("the count is incomplete: " + "; ".join(problems))
        return Region(values={"instructions": float(got["instructions"])})
