"""``perfcount.info()``: what this machine can measure, and how candidates are isolated here.

It joins the host facts of :mod:`perfcount.counters.host` with the sandbox
description of :mod:`perfcount.execute.sandbox`, so it lives above both.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path
from typing import Any

from perfcount._version import __version__
from perfcount.counters import host
from perfcount.execute import seccomp
from perfcount.execute.sandbox import describe as describe_sandbox

__all__ = ["info"]


def info() -> dict[str, Any]:
    """Everything about this machine that decides what perfcount can measure.

    Keys: ``perfcount``, ``kernel``, ``machine``, ``python``, ``cpu_model``,
    ``cpus``, ``hypervisor``, ``perf_event_paranoid``, ``pmu`` (present,
    devices, rdpmc), ``events`` (name → ``"ok"`` or the error), ``valgrind``,
    ``nvml``, ``backend`` (``auto`` → name and reason), ``sandbox`` (what
    isolates candidates here, :func:`perfcount.execute.sandbox.describe`), ``fingerprint``.
    """
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
        hypervisor = bool(re.search(r"^flags\s*:.*\bhypervisor\b", flags, re.M))
    except OSError:
        hypervisor = None
    try:
        from perfcount import _native  # noqa: F401

        native: Any = True
    except ImportError as exc:
        native = f"missing: {exc}"
    name, why = host.auto_backend()
    return {
        "perfcount": __version__,
        "native": native,
        "kernel": platform.release(),
        "machine": platform.machine(),
        "python": host.python_version(),
        "cpu_model": host.cpu_model(),
        "cpus": os.cpu_count(),
        "hypervisor": hypervisor,
        "perf_event_paranoid": host.perf_event_paranoid(),
        "pmu": host.pmu(),
        "events": host.probe_events(),
        "valgrind": host.valgrind(),
        "nvml": host.nvml(),
        "backend": {"auto": name, "reason": why},
        "sandbox": {**describe_sandbox(), "seccomp": seccomp.available()[1]},
        "fingerprint": host.fingerprint(),
    }
