"""How a cost is obtained: the ``perf``, ``valgrind`` and ``software`` backends.

``resolve(name)`` turns a requested backend name (``"auto"`` included) into the
backend that will be used and a human reason; ``get(name)`` builds it.
``auto`` picks ``perf`` when the hardware instruction counter opens, else
``valgrind`` when it is installed, else ``software`` (with a warning, since
task-clock is time and therefore noisy).
"""

from __future__ import annotations

import shutil
import threading
import warnings
from collections.abc import Sequence

from perfcount.counters.backends.base import Backend, Region, Summary
from perfcount.counters.backends.perf import PerfBackend
from perfcount.counters.backends.software import SoftwareBackend
from perfcount.counters.backends.valgrind import ValgrindBackend
from perfcount.errors import InvalidArgument, PerfcountError

__all__ = ["BACKENDS", "Backend", "Region", "Summary", "get", "resolve"]

BACKENDS: dict[str, type[Backend]] = {
    "perf": PerfBackend,
    "valgrind": ValgrindBackend,
    "software": SoftwareBackend,
}

_auto_lock = threading.Lock()
_auto: tuple[str, str] | None = None


def _probe_auto() -> tuple[str, str]:
    try:
        PerfBackend().check_available()
    except (PerfcountError, ImportError, AttributeError) as exc:
        perf_why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    else:
        return "perf", "the hardware instruction counter opens (perf_event)"
    if shutil.which("valgrind") is not None:
        try:
            ValgrindBackend().check_available()
        except PerfcountError as exc:
            vg_why = str(exc).splitlines()[0]
        else:
            return "valgrind", (
                f"no hardware instruction counter ({perf_why}); valgrind is installed, "
                "so callgrind gives deterministic instruction counts (~50x slower)"
            )
    else:
        vg_why = "valgrind is not installed"
    return "software", (
        f"no hardware instruction counter ({perf_why}) and {vg_why}; falling back to "
        "task-clock time, which is noisy (repeated, median reported)"
    )


def resolve(name: str = "auto") -> tuple[str, str]:
    """Requested backend name -> (backend used, why).

    Explicit names are validated and returned as they are (their availability
    is checked when a runner or measurement uses them, with the events it
    asks for); ``"auto"`` probes this machine once per process.
    """
    global _auto
    if not isinstance(name, str):
        raise InvalidArgument(f"backend must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    if key in BACKENDS:
        return key, f"backend {key!r} was requested"
    if key != "auto":
        raise InvalidArgument(
            f"unknown backend {name!r}",
            hint="use one of: auto, perf, valgrind, software",
        )
    with _auto_lock:
        if _auto is None:
            _auto = _probe_auto()
            if _auto[0] == "software":
                warnings.warn(f"perfcount: {_auto[1]}", RuntimeWarning, stacklevel=2)
        return _auto


def get(
    name: str = "auto", *, events: Sequence[str] | None = None, repeats: int | None = None
) -> Backend:
    """A backend object for ``name`` (resolved first when ``"auto"``)."""
    resolved, _ = resolve(name)
    return BACKENDS[resolved](events, repeats)
