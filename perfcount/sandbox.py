"""Limits for untrusted candidates: resource limits and a cgroup v1 ``pids`` jail.

A candidate runs in a process forked from the fork server (``perfcount._server``).
Before any candidate code runs, that process puts itself in its own session,
in its own ``pids`` cgroup when one can be made, and under the resource limits
of :class:`Limits`. ``RLIMIT_NPROC`` is useless as root, so fork bombs are
contained by the cgroup's ``pids.max`` and ended by killing every pid in the
cgroup; where cgroups are not writable the runner degrades to killing the
candidate's process group and says so (:attr:`PidsCgroup.reason`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import math
import os
import resource
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_TIMEOUT",
    "VALGRIND_TIMEOUT_FACTOR",
    "Limits",
    "PidsCgroup",
    "apply_rlimits",
    "kill_group",
]

log = logging.getLogger("perfcount.sandbox")

#: Wall-clock limit (native seconds) when a caller passes ``timeout=None``.
DEFAULT_TIMEOUT = 60.0
#: Under callgrind, instrumented code runs ~50-100x and un-instrumented code ~8x
#: slower than natively (MEASUREMENT-FACTS.md). A timeout given in native
#: seconds is multiplied by this factor for the valgrind backend.
VALGRIND_TIMEOUT_FACTOR = 50.0

PIDS_ROOT = Path("/sys/fs/cgroup/pids")


@dataclass(frozen=True)
class Limits:
    """What one candidate process may use.

    ``timeout`` is wall-clock seconds (already scaled for the backend);
    ``cpu_seconds`` becomes ``RLIMIT_CPU`` (SIGXCPU, reported as a timeout);
    ``memory_mb`` becomes ``RLIMIT_AS`` on top of the address space the
    process already maps when the candidate starts (0 = unlimited). Under
    valgrind RLIMIT_AS applies to valgrind's own mappings too (measured: a
    child of the callgrind'ed server maps ~120 MiB before the candidate runs,
    a native one ~25 MiB), hence "on top of"; ``file_mb`` is
    ``RLIMIT_FSIZE`` and bounds the captured stdout/stderr too (SIGXFSZ,
    reported as ``output_too_large``); ``output_mb`` bounds the result channel;
    ``open_files`` is ``RLIMIT_NOFILE``; ``pids`` is the cgroup's ``pids.max``;
    ``grace`` is the time between SIGTERM and SIGKILL on timeout;
    ``network=False`` puts the candidate in an empty network namespace
    (best effort: needs CAP_SYS_ADMIN, see :func:`isolate_network`).
    """

    timeout: float = DEFAULT_TIMEOUT
    cpu_seconds: int = 0
    memory_mb: int = 4096
    file_mb: int = 16
    output_mb: int = 64
    open_files: int = 256
    pids: int = 64
    grace: float = 0.5
    network: bool = False

    def __post_init__(self) -> None:
        from perfcount.errors import InvalidArgument

        if not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise InvalidArgument(
                f"timeout must be a positive number of seconds, got {self.timeout!r}",
                hint="pass e.g. timeout=10, or None for the default of 60 s",
            )
        for name in ("memory_mb", "file_mb", "output_mb", "open_files", "pids", "cpu_seconds"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidArgument(
                    f"{name} must be a non-negative integer, got {value!r}",
                    hint=f"pass {name}=<int> (0 means no limit where that makes sense)",
                )
        if 0 < self.memory_mb < 64:
            raise InvalidArgument(
                f"memory_mb={self.memory_mb} is too small for a Python process",
                hint="use at least 64 MiB, or 0 for no address-space limit",
            )

    def effective_cpu_seconds(self) -> int:
        """RLIMIT_CPU: the explicit value, else the wall timeout rounded up plus one."""
        return self.cpu_seconds or math.ceil(self.timeout) + 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_rlimits(limits: Limits) -> None:
    """Set the resource limits of the calling (candidate) process."""

    def setlim(which: int, value: int) -> None:
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (value, value))

    cpu = limits.effective_cpu_seconds()
    # soft limit sends SIGXCPU, hard (one second later) SIGKILL
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if limits.memory_mb:
        # on top of what the process already maps: the interpreter with perfcount
        # loaded (~25 MiB) or, under valgrind, also valgrind itself (~100 MiB more),
        # so memory_mb means the same for the candidate under every backend
        setlim(resource.RLIMIT_AS, _address_space() + (limits.memory_mb << 20))
    if limits.file_mb:
        setlim(resource.RLIMIT_FSIZE, limits.file_mb << 20)
    if limits.open_files:
        setlim(resource.RLIMIT_NOFILE, limits.open_files)
    setlim(resource.RLIMIT_CORE, 0)


_CLONE_NEWNET = 0x40000000


def isolate_network() -> str | None:
    """Move the calling process into a new, empty network namespace.

    Only a loopback device that is down: no connections out, none to the
    evaluator's sockets. Returns ``None`` on success, else why not (e.g. not
    root), in which case the candidate keeps the host's network.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) != 0:
        return f"unshare(CLONE_NEWNET) failed: {os.strerror(ctypes.get_errno())}"
    return None


def _address_space() -> int:
    """Bytes of address space the calling process maps now (VmSize), 0 if unknown."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Signal a process group, ignoring one that is already gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class PidsCgroup:
    """A cgroup v1 ``pids`` folder per runner, with one sub-folder per candidate.

    ``PidsCgroup.create(runner_id)`` returns an object whose ``path`` is
    ``None`` (and ``reason`` says why) when cgroups cannot be used here.
    """

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path = path
        self.reason = reason

    @classmethod
    def create(cls, runner_id: str, root: Path | None = None) -> PidsCgroup:
        root = PIDS_ROOT if root is None else root
        if not (root / "cgroup.procs").exists():
            reason = (
                f"no cgroup v1 pids hierarchy at {root}; fork bombs are bounded only by the timeout"
            )
            log.info(reason)
            return cls(None, reason)
        path = root / "perfcount" / runner_id
        try:
            path.mkdir(parents=True, exist_ok=True)
            cls._sweep(path.parent)
            # probe: the per-candidate limit file must be writable
            (path / "pids.max").write_text("max")
        except OSError as exc:
            reason = f"cannot create a pids cgroup under {root} ({exc.strerror}); fork bombs are bounded only by the timeout"
            log.info(reason)
            return cls(None, reason)
        return cls(path, f"candidates run in pids cgroups under {path}")

    @classmethod
    def _sweep(cls, parent: Path) -> None:
        """Remove folders left by runners whose process died without closing."""
        for d in parent.iterdir():
            owner = d.name.split("-", 1)[0]
            if not (d.is_dir() and owner.isdigit()) or Path(f"/proc/{owner}").exists():
                continue
            for child in d.iterdir():
                if child.is_dir():
                    cls.remove(child)
            cls.remove(d)

    def child_path(self, name: str) -> Path | None:
        return None if self.path is None else self.path / name

    @staticmethod
    def make_child(path: Path, max_pids: int) -> None:
        path.mkdir(exist_ok=True)
        (path / "pids.max").write_text(str(max_pids) if max_pids else "max")

    @staticmethod
    def join(path: Path) -> None:
        """Move the calling process into the cgroup at ``path``."""
        (path / "cgroup.procs").write_text(str(os.getpid()))

    @staticmethod
    def pids(path: Path) -> list[int]:
        try:
            return [int(p) for p in (path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    @classmethod
    def kill_all(cls, path: Path, deadline: float = 5.0) -> int:
        """SIGKILL every process in the cgroup until it is empty; returns how many were signalled."""
        killed = 0
        end = time.monotonic() + deadline
        while True:
            pids = cls.pids(path)
            if not pids:
                return killed
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
            if time.monotonic() > end:
                log.warning(
                    "pids cgroup %s still has %d processes after %.1fs", path, len(pids), deadline
                )
                return killed
            time.sleep(0.005)

    @classmethod
    def remove(cls, path: Path) -> None:
        """Kill what is left and remove the folder (retrying while zombies are reaped)."""
        if not path.exists():
            return
        cls.kill_all(path)
        for _ in range(200):
            try:
                path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError as exc:
                if exc.errno != errno.EBUSY:
                    log.warning("cannot remove cgroup %s: %s", path, exc)
                    return
                cls.kill_all(path, deadline=0.1)
                time.sleep(0.005)
        log.warning("cgroup %s stayed busy; left in place", path)

    def close(self) -> None:
        """Remove the runner's folder and any candidate folders left in it."""
        if self.path is None or not self.path.exists():
            return
        for child in self.path.iterdir():
            if child.is_dir():
                self.remove(child)
        self.remove(self.path)
