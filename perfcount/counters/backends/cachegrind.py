"""``cachegrind`` backend: instruction counts from ``valgrind --tool=cachegrind --cache-sim=no``.

Needs valgrind >= 3.22, whose cachegrind has client requests
(``CACHEGRIND_START_INSTRUMENTATION`` in ``valgrind/cachegrind.h``) and
``--instr-at-start=no``; perfcount must be built against that header
(``_native.HAVE_CACHEGRIND_REQUESTS``). The semantics are the valgrind
backend's: the fork server runs under cachegrind with instrumentation off,
each forked candidate's process switches it on once, right when the server
lets it go (``_native.cachegrind_begin_candidate``), and is counted to its
exit; the count is the ``I refs`` line of valgrind's log of that process
(written by valgrind as root, through a descriptor the candidate cannot use).

Weaker than callgrind: cachegrind logs a START or STOP request only when it
changes nothing (the log then fails the run), so a candidate that runs
machine code of its own can switch its count off and on without a trace;
only the CPU-time check (``suspect``) bounds that. ``auto`` never picks it.

**Untested**: written against valgrind 3.24's ``cachegrind.h`` and
``cg_main.c``; this project's machines have valgrind 3.19, where
:meth:`CachegrindBackend.check_available` says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from perfcount.counters.backends.base import InstructionsOnly, Region
from perfcount.counters.backends.valgrind import candidate_logs, trusted_count
from perfcount.counters.callgrind import (
    TIMEOUT_FACTOR,
    no_aslr,
    require_valgrind,
    tool_label,
    valgrind_version,
    version_of,
)
from perfcount.errors import BackendError, CandidateError

__all__ = ["MIN_VERSION", "CachegrindBackend", "log_count", "server_argv", "valgrind_version"]

#: the first valgrind whose cachegrind has client requests and --instr-at-start
MIN_VERSION = (3, 22)


def server_argv(log_dir: Path, argv: Sequence[str], *, log_fd: int | None = None) -> list[str]:
    """``argv`` (a fork server) under cachegrind, instrumentation off until a child asks.

    No cache or branch simulation (only ``Ir`` is collected: the fastest
    cachegrind), nothing written to an output file; ``-v`` so that each
    process's log ends with its ``I refs`` total. With ``log_fd`` every process
    logs to that descriptor (the runner's memfd, lines prefixed by pid, as for
    callgrind), else one file per process in ``log_dir``.
    """
    return [
        *no_aslr(),
        require_valgrind(),
        "--tool=cachegrind",
        "-v",
        "--cache-sim=no",
        "--branch-sim=no",
        "--instr-at-start=no",
        "--cachegrind-out-file=/dev/null",
        f"--log-fd={log_fd}" if log_fd is not None else f"--log-file={log_dir}/valgrind.%p.log",
        *argv,
    ]


_LOG_IREFS = re.compile(r"^==(\d+)==\s+I\s+refs:\s+([\d,]+)\s*$", re.M)
#: cachegrind's own words for a START/STOP request that changed nothing (cg_main.c)
_LOG_REDUNDANT = re.compile(r"CACHEGRIND_(START|STOP)_INSTRUMENTATION called")
_LOG_UNKNOWN = re.compile(r"unknown cachegrind client request|unhandled client request")
_LOG_CLIENT_PRINT = re.compile(r"^\*\*\d+\*\*", re.M)


def log_count(text: str, pid: int) -> tuple[int | None, str, bool]:
    """The instructions of the candidate's process ``pid``, from valgrind's log of it.

    Returns ``(count, "", False)``; ``(None, why, True)`` when the log shows
    a client request of the candidate's (a redundant START/STOP, an unknown
    request, a client printf); ``(None, why, False)`` when the process did not
    end under valgrind (killed, or it ran another program).
    """
    if _LOG_CLIENT_PRINT.search(text):
        return None, "it wrote into valgrind's log (a VALGRIND_PRINTF client request)", True
    redundant = _LOG_REDUNDANT.findall(text)
    if redundant:
        return (
            None,
            (
                f"it issued cachegrind's {'/'.join(redundant)} instrumentation request itself "
                "(a client request)"
            ),
            True,
        )
    if _LOG_UNKNOWN.search(text):
        return None, "it issued a client request cachegrind does not know", True
    own = [m for m in _LOG_IREFS.finditer(text) if int(m.group(1)) == pid]
    if not own:
        return (
            None,
            (
                f"process {pid} did not end under valgrind (it ran another program, or it was "
                "killed), so its work was not counted"
            ),
            False,
        )
    if len(_LOG_IREFS.findall(text)) != 1:
        return None, "valgrind's log of it holds more than one total", True
    return int(own[0].group(2).replace(",", "")), "", False


class CachegrindBackend(InstructionsOnly):
    name = "cachegrind"
    server = "cachegrind"
    #: no cache simulation: at most callgrind's slowdown (not measured: valgrind 3.19 here)
    timeout_factor = TIMEOUT_FACTOR

    def check_in_process(self) -> None:
        raise BackendError(
            "backend='cachegrind' counts candidates in a fork server, not a region of this process",
            hint="use perfcount.profile(..., backend='cachegrind'), or backend='valgrind' "
            "in a Python that runs under callgrind",
        )

    def tool(self) -> str:
        return tool_label("cachegrind")

    def check_available(self) -> None:
        path = require_valgrind()
        found = version_of(path)
        if found is None or found[:2] < MIN_VERSION:
            shown = ".".join(map(str, found)) if found else "of unknown version"
            raise BackendError(
                f"the cachegrind backend needs valgrind >= {MIN_VERSION[0]}.{MIN_VERSION[1]} "
                f"(cachegrind's client requests, CACHEGRIND_START_INSTRUMENTATION); found "
                f"valgrind {shown} at {path}",
                hint="install valgrind 3.22 or newer and rebuild perfcount, or use "
                "backend='valgrind' (callgrind) or 'qemu'",
            )
        try:
            from perfcount import _native
        except ImportError as exc:
            raise BackendError(
                f"perfcount's native extension is missing ({exc}); the cachegrind backend "
                "needs its cachegrind client requests",
                hint="pip install -e . (rebuild perfcount)",
            ) from exc
        if not getattr(_native, "HAVE_CACHEGRIND_REQUESTS", False):
            raise BackendError(
                "perfcount was built without valgrind/cachegrind.h (valgrind >= 3.22), so the "
                "cachegrind backend cannot count",
                hint="install valgrind 3.22+ with its headers and reinstall perfcount",
            )

    @contextmanager
    def region(self, label: str) -> Iterator[Region]:
        self.check_in_process()
        yield Region()  # pragma: no cover

    def run_values(self, run: dict[str, Any]) -> Region:
        """The candidate's instructions, from valgrind's log of its one process."""
        logs, pid = candidate_logs(run, self.name)
        others = sorted(n for n in logs if n.isdigit() and n != str(pid))
        if others:
            # a forked cachegrind process inherits its parent's counts: no sum is right
            raise CandidateError(
                f"the candidate started processes ({', '.join(others)}), which cannot be "
                "counted under cachegrind"
            )
        count = trusted_count(*log_count(logs[str(pid)], pid))
        return Region(values={"instructions": float(count)})
