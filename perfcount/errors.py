"""perfcount's exception hierarchy.

Every error a user can cause or meet carries a one-line ``hint`` that names the
fix, and, when it came from a syscall, the ``errno``. The native extension
raises these same classes (see ``native/module.cpp``).
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "CandidateError",
    "CounterUnavailable",
    "DatasetError",
    "GpuError",
    "InvalidArgument",
    "PerfcountError",
    "PermissionDenied",
]


class PerfcountError(Exception):
    """Base class of every error perfcount raises on purpose."""

    def __init__(self, message: str, *, errno: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.errno = errno
        self.hint = hint

    def __str__(self) -> str:
        if self.hint and self.hint not in self.message:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class CounterUnavailable(PerfcountError):
    """The requested counter does not exist here (no PMU, unknown raw event, ...)."""


class PermissionDenied(PerfcountError):
    """The kernel refused to count (perf_event_paranoid, seccomp, capabilities)."""


class BackendError(PerfcountError):
    """A measurement backend cannot work on this machine (e.g. valgrind missing)."""


class CandidateError(PerfcountError):
    """The code or command under measurement could not be started or run."""


class GpuError(PerfcountError):
    """NVML is missing or failed while GPU metrics were required."""


class InvalidArgument(PerfcountError, ValueError):
    """A bad argument; also a ``ValueError`` so generic callers can catch it."""


class DatasetError(PerfcountError, ValueError):
    """A malformed dataset, pool, samples or results file.

    ``location`` is ``file:line`` (or ``file:line: field``) so the message points
    at the exact place to fix.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str = "",
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        where = ""
        if path is not None:
            where = str(path) if line is None else f"{path}:{line}"
        if field:
            where = f"{where}: {field}" if where else field
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.location = where
