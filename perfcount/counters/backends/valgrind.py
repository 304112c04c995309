"""``valgrind`` backend: deterministic instruction counts from callgrind.

The fork server itself runs under ``valgrind --tool=callgrind -v
--instr-atstart=no``; each forked candidate's process switches instrumentation
on once, right when the server lets it go (``_native.callgrind_begin_candidate``),
and is counted to its exit. The count is read from valgrind's log of each of
the candidate's processes (``Collected :``, see
:func:`perfcount.counters.callgrind.log_count`), which also records every client
request that zeroes, dumps or switches the count: any of them makes the run
``failed``. Counts are those of callgrind's ``Ir`` event, reported as
``instructions``; they are not identical to hardware ``instructions:u``, so
compare within this backend only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from perfcount.counters.backends.base import InstructionsOnly, Region
from perfcount.counters.callgrind import TIMEOUT_FACTOR, log_count, require_valgrind, tool_label
from perfcount.errors import BackendError, CandidateError

__all__ = ["ValgrindBackend", "candidate_logs", "log_pid", "trusted_count"]


def log_pid(run: dict[str, Any]) -> Any:
    """The pid valgrind's log lines carry for a run's candidate process.

    That is its pid in the pid namespace of its own (``ns_pid``, which the
    fork server reads from the host's ``/proc``), else the host's ``pid``.
    """
    ns = run.get("ns_pid")
    return ns if isinstance(ns, int) and not isinstance(ns, bool) else run.get("pid")


def candidate_logs(run: dict[str, Any], backend: str) -> tuple[dict[str, str], int]:
    """A run's valgrind logs by pid (the runner's ``valgrind_logs``) and its main pid, checked.

    Shared by the valgrind-based backends: no logs, too many processes, or no
    log of the candidate's own process is an error, never a count.
    """
    logs = run.get("logs")
    pid = log_pid(run)
    if not isinstance(logs, dict) or not isinstance(pid, int):
        raise BackendError("the fork server reported no valgrind logs for the candidate")
    if "too_many" in logs:
        raise CandidateError(
            f"the candidate started more processes than can be counted under {backend}"
        )
    if str(pid) not in logs:
        raise BackendError(f"valgrind wrote no log for the candidate's process {pid}")
    return logs, pid


def trusted_count(count: int | None, why: str, tampered: bool) -> int:
    """A ``log_count`` result as a count, or the error it stands for."""
    if count is None:
        if tampered:
            raise CandidateError(f"the count cannot be trusted: {why}")
        raise BackendError(f"no count: {why}")
    return count


class ValgrindBackend(InstructionsOnly):
    name = "valgrind"
    server = "valgrind"
    timeout_factor = TIMEOUT_FACTOR

    @staticmethod
    def running_under_callgrind() -> bool:
        """Whether this process runs under valgrind (so its regions can be counted by callgrind)."""
        try:
            from perfcount import _native
        except ImportError:
            return False
        return bool(_native.running_on_valgrind())

    def check_in_process(self) -> None:
        if not self.running_under_callgrind():
            raise BackendError(
                "backend='valgrind' in measure() needs this Python to run under callgrind",
                hint="use perfcount.profile(..., backend='valgrind') (the runner starts "
                "callgrind for you), or run Python under "
                "`valgrind --tool=callgrind --instr-atstart=no python ...`",
            )

    def tool(self) -> str:
        return tool_label("callgrind")

    def check_available(self) -> None:
        require_valgrind()
        try:
            from perfcount import _native
        except ImportError as exc:
            raise BackendError(
                f"perfcount's native extension is missing ({exc}); the valgrind backend needs "
                "its callgrind client requests",
                hint="pip install -e . (rebuild perfcount)",
            ) from exc
        if not getattr(_native, "HAVE_CALLGRIND_REQUESTS", False):
            raise BackendError(
                "perfcount was built without valgrind's client-request headers, so the "
                "valgrind backend cannot count",
                hint="install valgrind (Debian: apt-get install valgrind) and reinstall perfcount",
            )

    @contextmanager
    def region(self, label: str) -> Iterator[Region]:
        from perfcount import _native

        out = Region()
        _native.callgrind_start()
        try:
            yield out
        finally:
            _native.callgrind_stop(label)

    def run_values(self, run: dict[str, Any]) -> Region:
        """The instructions of every process of one run, summed, from valgrind's logs."""
        logs, pid = candidate_logs(run, self.name)
        total = 0
        for name, text in logs.items():
            if name.isdigit():
                total += trusted_count(*log_count(text, int(name), began_here=int(name) == pid))
        return Region(values={"instructions": float(total)})
