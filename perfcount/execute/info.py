"""``perfcount.info()``: what this machine can measure, and how candidates are isolated here.

It joins the host facts of :mod:`perfcount.counters.host` with the sandbox
description of :mod:`perfcount.execute.sandbox` (checked by one real
candidate, :func:`candidate_privileges`) and the backends' availability and
speed (:mod:`perfcount.execute.speeds`), so it lives above them all.
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
from perfcount.execute.sandbox import CANDIDATE_UID_BASE, blocking_folders
from perfcount.execute.sandbox import describe as describe_sandbox

__all__ = ["candidate_privileges", "info"]

#: a candidate that reports the privileges it runs with (read in its own /proc)
_PROBE = (
    "import os\n"
    "def probe():\n"
    "    got = {'uid': os.getuid()}\n"
    "    with open('/proc/self/status') as f:\n"
    "        for line in f:\n"
    "            key, _, value = line.partition(':')\n"
    "            if key in ('CapEff', 'CapPrm', 'CapBnd', 'CapAmb', 'NoNewPrivs'):\n"
    "                got[key] = value.strip()\n"
    "    return got\n"
)


def candidate_privileges() -> dict[str, Any]:
    """What a real candidate holds here: uid, capability sets, ``NoNewPrivs``, the sandbox notes.

    One candidate run on a native fork server (about a second): the
    capabilities are what its kernel status says, not what the code intends.
    ``error`` says why it could not run.
    """
    from perfcount.execute.runner import Runner

    try:
        with Runner("software", timeout=30, verify=False) as runner:
            done = runner.check(_PROBE, "probe", [[]], [None])
            notes = runner.sandbox
    except Exception as exc:  # info() must always answer
        return {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
    if not done.outputs or not isinstance(done.outputs[0], dict):
        return {"error": f"the probe candidate did not run: {done.status} {done.error}"[:300]}
    return {**done.outputs[0], "runner_sandbox": notes}


def _capabilities(sandbox: dict[str, Any], probe: dict[str, Any]) -> str:
    """The capability line of ``info``, from what a candidate really holds."""
    if "error" in probe:
        return f"{sandbox['capabilities']} (not checked: {probe['error']})"
    eff, prm = probe.get("CapEff", "?"), probe.get("CapPrm", "?")
    if {eff, prm} == {"0000000000000000"}:
        text = "none (a candidate's CapEff/CapPrm are 0"
        blocked = blocking_folders(CANDIDATE_UID_BASE) if sandbox["root"] else {}
        if blocked:
            where = ", ".join(f"{k} ({', '.join(sorted(v))})" for k, v in sorted(blocked.items()))
            text += (
                f"; the interpreter behind {where} is reached through read-only mounts "
                "(sandbox.expose_interpreter)"
            )
        return text + ")"
    return f"CapEff {eff}, CapPrm {prm} in a candidate ({probe.get('runner_sandbox', '')})"


def info(*, speed: bool = True, refresh: bool = False) -> dict[str, Any]:
    """Everything about this machine that decides what perfcount can measure.

    Keys: ``perfcount``, ``kernel``, ``machine``, ``python``, ``cpu_model``,
    ``cpus``, ``hypervisor``, ``perf_event_paranoid``, ``pmu`` (present,
    devices, rdpmc), ``events`` (name → ``"ok"`` or the error), ``valgrind``,
    ``nvml``, ``backend`` (``auto`` → name and reason), ``backends`` (per
    backend: ``available``, ``reason``, and with ``speed`` its measured
    ``x_native`` and ``cpu_s``, :func:`perfcount.execute.speeds.speeds`,
    cached per machine; ``refresh`` measures again), ``speeds`` (how they
    were measured), ``sandbox`` (what isolates candidates here,
    :func:`perfcount.execute.sandbox.describe`, with the capabilities a real
    candidate holds), ``fingerprint``.
    """
    from perfcount.execute import speeds as speeds_mod

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
    sandbox = {**describe_sandbox(), "seccomp": seccomp.available()[1]}
    probe = candidate_privileges()
    caps = _capabilities(sandbox, probe)
    sandbox["summary"] = sandbox["summary"].replace(
        f"caps: {sandbox['capabilities']}", f"caps: {caps}"
    )
    sandbox["capabilities"] = caps
    sandbox["candidate"] = probe
    if speed:
        measured = speeds_mod.speeds(refresh=refresh)
        backends = measured.pop("backends")
    else:
        measured = {}
        backends = speeds_mod.availability()
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
        "backends": backends,
        "speeds": measured,
        "sandbox": sandbox,
        "fingerprint": host.fingerprint(),
    }
