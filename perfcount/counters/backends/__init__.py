"""How a cost is obtained: the perf, qemu, valgrind, cachegrind and software backends.

:func:`select` is perfcount's one backend policy; every caller (the runners,
``measure()``/``count()``/``run()``, curation, evaluation, the pytest plugin,
the pyperf hook, the IPython magic, ``info()`` and the CLI) goes through it.
It validates the requested name and events and returns the backend object
that will be used with a human reason. ``auto`` picks:

1. ``perf`` when the hardware instruction counter opens (or hardware events
   were asked for explicitly);
2. else the fastest deterministic backend that really works *where the
   measurement runs* (:data:`DETERMINISTIC`, fastest first: ``qemu``, then
   ``valgrind``): for a runner (candidates in a fork server) the backend's
   :meth:`~Backend.check_available` passes (qemu: ``qemu-x86_64`` with plugin
   support, perfcount's plugin built, a tiny counted run succeeds; valgrind:
   installed, perfcount built with callgrind's client requests); for a region
   in this process (``in_process=True``) its
   :meth:`~Backend.check_in_process` passes (valgrind: this process runs
   under callgrind). Probed once per process; the reason names every backend
   skipped and why;
3. else ``software`` (task-clock: time, so noisy; the runner repeats and takes
   the median, and warns once).

``cachegrind`` is chosen only by name: a START/STOP that changes its count is not
logged, so a candidate that issues them from its own machine code is not caught
(SECURITY.md).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

from perfcount.counters.backends.base import Backend, Region, Summary
from perfcount.counters.backends.cachegrind import CachegrindBackend
from perfcount.counters.backends.perf import PerfBackend
from perfcount.counters.backends.qemu import QemuBackend
from perfcount.counters.backends.software import SoftwareBackend
from perfcount.counters.backends.valgrind import ValgrindBackend
from perfcount.counters.events import Event, parse_events
from perfcount.counters.region import hardware_available
from perfcount.errors import InvalidArgument, PerfcountError

__all__ = [
    "BACKENDS",
    "DETERMINISTIC",
    "NAMES",
    "Backend",
    "Region",
    "Summary",
    "counted_cpu",
    "select",
]

BACKENDS: dict[str, type[Backend]] = {
    "perf": PerfBackend,
    "valgrind": ValgrindBackend,
    "qemu": QemuBackend,
    "cachegrind": CachegrindBackend,
    "software": SoftwareBackend,
}
#: every name a user may pass (the CLI's choices)
NAMES: tuple[str, ...] = ("auto", *BACKENDS)
#: the deterministic backends ``auto`` tries, fastest first (benchmarks/backends.py,
#: 5.6e9 instructions of Python: qemu + plugin 6.6x native CPU time, callgrind 42.8x)
DETERMINISTIC: tuple[str, ...] = ("qemu", "valgrind")
#: what ``auto``'s reason says about each one's speed
_SPEED = {"qemu": "~7-14x", "valgrind": "~50x"}
_TOOL = {"qemu": "qemu-user with perfcount's plugin", "valgrind": "callgrind"}


def _name(backend: Any) -> str:
    if not isinstance(backend, str):
        raise InvalidArgument(f"backend must be a string, got {type(backend).__name__}")
    key = backend.strip().lower()
    if key not in NAMES:
        raise InvalidArgument(
            f"unknown backend {backend!r}", hint="use one of: " + ", ".join(NAMES)
        )
    return key


def _hardware() -> tuple[bool, str]:
    """Whether the hardware instruction counter opens here (probed once per process)."""
    try:
        return hardware_available()
    except ImportError as exc:  # no native extension: nothing opens
        return False, f"the native extension is missing ({exc})"


@functools.cache
def _deterministic(in_process: bool) -> tuple[str | None, str]:
    """The first backend of :data:`DETERMINISTIC` that works here, and what was skipped and why.

    ``in_process``: for a region of this process (its ``check_in_process``),
    else for a runner's fork server (its ``check_available``, which runs a
    tiny counted program for qemu). Cached: probed once per process.
    """
    skipped: list[str] = []
    for name in DETERMINISTIC:
        backend = BACKENDS[name]()
        try:
            if in_process:
                backend.check_in_process()
            else:
                backend.check_available()
        except PerfcountError as exc:
            skipped.append(f"{name}: {str(exc).splitlines()[0]}")
            continue
        refusal = backend.auto_refusal()
        if refusal:
            skipped.append(f"{name}: {refusal}")
            continue
        where = "counts a region of this process" if in_process else "works here"
        return name, f"{_TOOL[name]} {where}" + (f" ({'; '.join(skipped)})" if skipped else "")
    return None, "no deterministic backend works here (" + "; ".join(skipped) + ")"


def _auto(parsed: tuple[Event, ...] | None, in_process: bool) -> tuple[str, str]:
    if parsed is not None and all(e.is_software for e in parsed):
        return "software", "only software events were asked for"
    hw_ok, hw_why = _hardware()
    if hw_ok:
        return "perf", hw_why
    det, det_why = None, ""
    if parsed is None or [e.name for e in parsed] == ["instructions"]:
        det, det_why = _deterministic(in_process)
        if det is not None:
            return det, (
                f"{hw_why}; {det_why}, so {det} gives deterministic instruction counts "
                f"({_SPEED[det]} slower than native)"
            )
    if parsed is not None:  # hardware events asked for: perf reports why they do not open
        return "perf", "hardware events were asked for"
    return "software", (
        f"{hw_why} and {det_why}; counting software events (task-clock is time, so noisy: "
        "repeat and take the median)"
    )


def select(
    backend: str = "auto",
    events: Sequence[str] | str | None = None,
    *,
    in_process: bool = False,
    repeats: int | None = None,
) -> tuple[Backend, str]:
    """Requested backend name and events -> (the backend object used, why).

    Names and events are validated here, whatever the backend (unknown names,
    hardware events asked of ``software``, anything but instructions asked of
    ``valgrind``). ``in_process=True`` is for regions in the caller's own
    process, where ``valgrind`` needs this process to run under callgrind.
    Availability of an explicit choice on this machine is checked when it is
    used (:meth:`Backend.check_available`), with its own hint.
    """
    name = _name(backend)
    parsed = None if events is None else parse_events(events)
    if name == "auto":
        name, reason = _auto(parsed, in_process)
        if name == "software" and parsed is None and not in_process:
            _warn_software_once(reason)
    else:
        reason = f"backend {name!r} was requested"
    cls = BACKENDS[name]
    chosen = cls(None if parsed is None else [e.name for e in parsed], repeats)
    if in_process:
        chosen.check_in_process()
    return chosen, reason


def counted_cpu(backend: str) -> dict[str, Any]:
    """The CPU whose instructions a backend's counts are (results' machine metadata).

    qemu counts the instructions of the CPU model it emulates (pinned,
    :data:`perfcount.counters.qemu.CPU_MODEL`), whatever the host; every
    other backend those of the host's CPU (``/proc/cpuinfo``'s model name).
    """
    from perfcount.counters import host, qemu

    if _name(backend) == "qemu":
        return {"model": qemu.CPU_MODEL, "emulated": True, "how": f"{qemu.QEMU} -cpu"}
    return {"model": host.cpu_model(), "emulated": False, "how": "host"}


@functools.cache
def _warn_software_once(reason: str) -> None:
    warnings.warn(f"perfcount: {reason}", RuntimeWarning, stacklevel=4)
