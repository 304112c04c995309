"""What this machine can measure: the host facts behind ``perfcount.info()``.

``fingerprint()`` and ``describe()`` identify the machine in results and
caches; the probes below feed :func:`perfcount.execute.info.info`, which adds
the sandbox description and the backends' speeds. ``info()`` answers "why do I get
CounterUnavailable here?" in one call: the kernel, ``perf_event_paranoid``,
whether a hardware PMU is exposed, which events actually open, valgrind,
NVML, and which backend ``"auto"`` picks and why. Nothing here raises because a part is missing; missing parts are
reported with the reason.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import re
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "PROBE_EVENTS",
    "auto_backend",
    "cpu_model",
    "describe",
    "fingerprint",
    "nvml",
    "perf_event_paranoid",
    "pmu",
    "probe_events",
    "python_version",
    "valgrind",
]

#: events whose availability info() reports
PROBE_EVENTS: tuple[str, ...] = (
    "instructions",
    "cycles",
    "branches",
    "cache-misses",
    "task-clock",
    "cpu-clock",
    "page-faults",
    "context-switches",
    "cpu-migrations",
)

_EVENT_SOURCES = Path("/sys/bus/event_source/devices")


@functools.cache
def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), or the platform's best guess."""
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        text = ""
    for key in ("model name", "Hardware", "cpu model", "Processor"):
        m = re.search(rf"^{key}\s*:\s*(.+)$", text, re.M)
        if m:
            return m.group(1).strip()
    m = re.search(r"^CPU part\s*:\s*(\S+)$", text, re.M)
    if m:
        return f"{platform.machine()} CPU part {m.group(1)}"
    return platform.processor() or platform.machine() or "unknown"


def perf_event_paranoid() -> int | None:
    try:
        return int(Path("/proc/sys/kernel/perf_event_paranoid").read_text().strip())
    except (OSError, ValueError):
        return None


def python_version() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def _fingerprint_fields() -> dict[str, str]:
    return {
        "cpu_model": cpu_model(),
        "kernel": platform.release(),
        "python": python_version(),
        "machine": platform.machine(),
    }


@functools.cache
def fingerprint() -> str:
    """A short stable hash of what makes measurements comparable here.

    CPU model, kernel release, Python implementation and version, machine
    architecture: two results with the same fingerprint (and backend) may be
    compared; it is the cache key for re-measured reference costs.
    """
    blob = json.dumps(_fingerprint_fields(), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def describe() -> dict[str, Any]:
    """The metadata recorded with results (plain data)."""
    return {
        "cpu_model": cpu_model(),
        "kernel": platform.release(),
        "python": python_version(),
        "machine": platform.machine(),
        "perf_event_paranoid": perf_event_paranoid(),
        "hostname": socket.gethostname(),
        "fingerprint": fingerprint(),
    }


def pmu() -> dict[str, Any]:
    try:
        devices = sorted(p.name for p in _EVENT_SOURCES.iterdir())
    except OSError:
        devices = []
    cpu = [d for d in devices if d == "cpu" or d.startswith(("cpu_", "armv"))]
    rdpmc = None
    for d in cpu:
        try:
            rdpmc = int((_EVENT_SOURCES / d / "rdpmc").read_text().strip())
            break
        except (OSError, ValueError):
            continue
    return {"present": bool(cpu), "devices": devices, "cpu_pmus": cpu, "rdpmc": rdpmc}


def probe_events() -> dict[str, str]:
    from perfcount.counters.events import parse_event
    from perfcount.errors import PerfcountError

    try:
        from perfcount import _native
    except ImportError as exc:
        return dict.fromkeys(PROBE_EVENTS, f"native extension missing: {exc}")
    out: dict[str, str] = {}
    for name in PROBE_EVENTS:
        try:
            with _native.Group([parse_event(name).native()], inherit=False):
                pass
        except PerfcountError as exc:
            out[name] = f"{type(exc).__name__}: {exc.message}"
        else:
            out[name] = "ok"
    return out


def valgrind() -> dict[str, Any]:
    from perfcount.counters.callgrind import require_valgrind
    from perfcount.errors import PerfcountError

    try:
        path: str | None = require_valgrind()  # $PERFCOUNT_VALGRIND, else PATH's
    except PerfcountError:
        path = None
    version = None
    if path:
        try:
            done = subprocess.run(
                [path, "--version"], capture_output=True, text=True, timeout=10, check=False
            )
            version = done.stdout.strip().removeprefix("valgrind-") or None
        except (OSError, subprocess.SubprocessError):
            version = None
    running = 0
    try:
        from perfcount import _native

        running = int(_native.running_on_valgrind())
    except ImportError:
        pass
    return {"path": path, "version": version, "running_on_valgrind": running}


def nvml() -> dict[str, Any]:
    inventory: Callable[[], dict[str, Any]] | None
    try:
        from perfcount.counters.gpu import inventory
    except ImportError:
        inventory = None
    if inventory is not None:
        try:
            return dict(inventory())
        except Exception as exc:  # inventory() promises not to raise; be safe anyway
            return {"available": False, "reason": f"NVML inventory failed: {exc}"}
    try:
        import pynvml
    except ImportError:
        return {"available": False, "reason": "pynvml is not installed (pip install nvidia-ml-py)"}
    try:
        pynvml.nvmlInit()
        try:
            n = pynvml.nvmlDeviceGetCount()
        finally:
            pynvml.nvmlShutdown()
    except Exception as exc:
        return {"available": False, "reason": f"NVML: {exc}"}
    return {"available": n > 0, "gpus": n, "reason": None if n else "NVML reports 0 GPUs"}


def auto_backend() -> tuple[str, str]:
    """What ``backend="auto"`` picks for a runner here, and why (:func:`perfcount.counters.backends.select`)."""
    from perfcount.counters.backends import select

    chosen, why = select("auto")
    return chosen.name, why
