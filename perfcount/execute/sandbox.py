"""Limits for untrusted candidates: resource limits and a cgroup v1 ``pids`` jail.

A candidate runs in a process forked from the fork server (``perfcount.execute.server``).
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
import functools
import logging
import math
import os
import resource
import signal
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

__all__ = [
    "CANDIDATE_UID_BASE",
    "DEFAULT_TIMEOUT",
    "GIL_SWITCH_INTERVAL",
    "MIN_INSTRUCTION_BUDGET",
    "NO_BUDGET",
    "PYTHON_SWITCH_INTERVAL",
    "VALGRIND_TIMEOUT_FACTOR",
    "Limits",
    "MemoryCgroup",
    "PidsCgroup",
    "apply_rlimits",
    "candidate_uid",
    "describe",
    "drop_capabilities",
    "isolate",
    "kill_group",
    "pid_namespace_unavailable",
]

import itertools

from perfcount.counters.callgrind import TIMEOUT_FACTOR
from perfcount.counters.qemu import NO_BUDGET

log = logging.getLogger("perfcount.execute.sandbox")

#: Wall-clock limit (native seconds) when a caller passes ``timeout=None``.
DEFAULT_TIMEOUT = 60.0
#: See perfcount.counters.callgrind.TIMEOUT_FACTOR.
VALGRIND_TIMEOUT_FACTOR = TIMEOUT_FACTOR

PIDS_ROOT = Path("/sys/fs/cgroup/pids")
MEMORY_ROOT = Path("/sys/fs/cgroup/memory")
#: uid/gid candidates run as when the evaluator is root (``Limits.drop_root``) is
#: this plus the candidate process's pid: every live candidate has a user of its
#: own, so one cannot signal another (``kill(-1, ...)`` included) or the evaluator
CANDIDATE_UID_BASE = 1_000_000


def candidate_uid(pid: int) -> int:
    """The unprivileged uid (and gid) the candidate process ``pid`` runs as."""
    return CANDIDATE_UID_BASE + pid


#: The memory cgroup allows this much on top of ``memory_mb`` for the whole
#: process tree: the interpreter itself and, under valgrind, valgrind's own
#: memory (RLIMIT_AS already bounds each single process).
MEMORY_CGROUP_HEADROOM_MB = 768


#: The smallest instruction budget :class:`Limits` takes: an empty candidate's harness
#: share alone is ~1e4 instructions, and a budget is never one of the interpreter's cached
#: small ints (those are not allocated when parsed, any other value is: the heap a
#: candidate's count starts from would differ).
MIN_INSTRUCTION_BUDGET = 100_000

#: A candidate's ``sys.setswitchinterval`` (seconds): so long that a thread gives up the
#: GIL only where it blocks (a lock, ``join``, I/O, ``sleep``) or ends, never because
#: 5 ms of wall-clock time passed. With Python's default, how many switches a run
#: makes depends on the clock, and each costs instructions: two compute-bound threads
#: under qemu, 5 runs each (benchmarks/results/threads.txt), spread over 3,800
#: instructions at 2.1e7 and 39,144 at 2.1e8; with this interval 537 and 444 --
#: what is left does not grow with the work: glibc's lock and futex paths at the
#: few hand-overs, which differ with when the kernel wakes a thread (callgrind
#: alike). A candidate that busy-waits for another Python thread never lets it run
#: and ends at its limit: ``switch_interval=PYTHON_SWITCH_INTERVAL`` is Python's (and
#: EvalPerf's) own behaviour.
GIL_SWITCH_INTERVAL = 1e6
#: Python's own switch interval (``sys.getswitchinterval()`` of a fresh interpreter)
PYTHON_SWITCH_INTERVAL = 0.005


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
    ``RLIMIT_FSIZE`` (SIGXFSZ) and bounds stdout/stderr too (a pipe the fork
    server counts), both reported as ``output_too_large``; ``output_mb`` bounds the result channel;
    ``open_files`` is ``RLIMIT_NOFILE``; ``pids`` is the cgroup's ``pids.max``;
    ``grace`` is the time between SIGTERM and SIGKILL on timeout;
    ``instructions`` is the instruction budget of each counted run (the
    candidate's whole process tree; :data:`NO_BUDGET`: none): a run whose
    count is over it is a ``timeout``, whatever the backend, and under qemu
    the plugin stops every process once its own count is over it (see
    :func:`perfcount.counters.qemu.arm`). Unlike the wall-clock limit it
    gives the same verdict under any load;
    ``switch_interval`` is the candidate's ``sys.setswitchinterval`` (see
    :data:`GIL_SWITCH_INTERVAL`);
    ``network=False`` puts the candidate in an empty network namespace
    (best effort: needs CAP_SYS_ADMIN, see :func:`isolate`); ``drop_root``
    runs the candidate as :func:`candidate_uid` when the evaluator is root (see
    :func:`drop_capabilities`).
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
    drop_root: bool = True
    instructions: int = NO_BUDGET
    switch_interval: float = GIL_SWITCH_INTERVAL

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
        budget = self.instructions
        if (
            not isinstance(budget, int)
            or isinstance(budget, bool)
            or not (MIN_INSTRUCTION_BUDGET <= budget <= NO_BUDGET)
        ):
            raise InvalidArgument(
                f"instructions must be an instruction budget of at least "
                f"{MIN_INSTRUCTION_BUDGET:,}, got {budget!r}",
                hint="pass e.g. instructions=10**9, or leave it out for no budget",
            )
        interval = self.switch_interval
        if (
            not isinstance(interval, (int, float))
            or isinstance(interval, bool)
            or not (1e-6 <= interval <= 1e9)
        ):
            raise InvalidArgument(
                f"switch_interval must be a number of seconds in [1e-6, 1e9], got {interval!r}",
                hint=f"pass e.g. switch_interval={PYTHON_SWITCH_INTERVAL} (Python's own), "
                f"or leave it out for {GIL_SWITCH_INTERVAL:g} (threads switch where they block)",
            )
        # one wire form for 1 and 1.0 (see to_wire)
        object.__setattr__(self, "switch_interval", float(interval))
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

    def to_wire(self) -> str:
        """These limits as one fixed-width string, whatever their values.

        A child parses its request before its count starts, and the objects it
        allocates for that shape the heap the candidate runs in: a timeout of
        ``50.0`` instead of ``3000.0`` moved callgrind counts by dozens of
        instructions. Fixed-width fields make that parsing the same for every
        value (see :meth:`from_wire`). Integers are zero-padded: ``int()``
        sizes the object it builds by the number of digits it reads, and an
        instruction budget of 15 digits instead of 16 moved qemu counts by 17
        instructions when the spaces were stripped before parsing.
        """
        return ";".join(
            f"{v:024d}" if type(v) is int else f"{v!r:>24}"
            for f in fields(self)
            for v in [getattr(self, f.name)]
        )

    @classmethod
    def from_wire(cls, text: str) -> Limits:
        """Inverse of :meth:`to_wire`."""
        values: dict[str, Any] = {}
        for f, raw in zip(fields(cls), text.split(";")):
            s = raw.strip()
            kind = type(getattr(cls, f.name))
            values[f.name] = (s == "True") if kind is bool else kind(s)
        return cls(**values)


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


_CLONE_NEWNS = 0x00020000
_CLONE_NEWUTS = 0x04000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY = 1
_MS_REMOUNT = 32
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_MS_MOVE = 8192
_MOUNT_FLAGS = {
    "nosuid": 2,
    "nodev": 4,
    "noexec": 8,
    "noatime": 1024,
    "nodiratime": 2048,
    "relatime": 1 << 21,
}
_PR_CAPBSET_DROP = 24
_PR_SET_NO_NEW_PRIVS = 38
_CAP_VERSION_3 = 0x20080522
_CAP_DAC_READ_SEARCH = 2
_PR_SET_KEEPCAPS = 8
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_RAISE = 2


def _import_paths() -> set[str]:
    import sys

    return {sys.prefix, sys.base_prefix, sys.exec_prefix, *[p for p in sys.path if p]}


def _traversable(st: os.stat_result, uid: int) -> bool:
    bits = (st.st_mode >> 6) & 7 if st.st_uid == uid else st.st_mode & 7
    return bool(bits & 1)


def blocking_folders(uid: int) -> dict[str, set[str]]:
    """Folders on the way to the interpreter's files that ``uid`` may not traverse.

    Folder -> the names inside it that lead to what the interpreter imports
    (e.g. ``{"/root": {".pyenv"}}`` for a pyenv under root's 0700 home).
    """
    out: dict[str, set[str]] = {}
    for path in _import_paths():
        real = Path(os.path.realpath(path))
        chain = [*reversed(real.parents), real]
        for parent, child in itertools.pairwise(chain):
            try:
                st = os.stat(parent)
            except OSError:
                break
            if not _traversable(st, uid):
                out.setdefault(str(parent), set()).add(child.name)
                break
    return out


def expose_interpreter(uid: int, stage: Path) -> str | None:
    """Let ``uid`` reach the interpreter without a capability; ``None``, or why not.

    In the candidate's mount namespace, each folder it may not traverse (a
    0700 home holding a pyenv, say) is covered by a read-only tmpfs that holds
    only the entries leading to the interpreter, bind-mounted back from the
    original: the interpreter and its libraries become reachable, the rest of
    that folder disappears. ``stage`` is an empty folder of the caller's (the
    candidate's work folder) used while moving the mounts.
    """
    blocked = blocking_folders(uid)
    if not blocked:
        return None
    libc = _libc()
    for folder, names in sorted(blocked.items()):
        staged = []
        for i, name in enumerate(sorted(names)):
            src = os.path.join(folder, name)
            spot = stage / f".perfcount-stage-{i}"
            spot.mkdir()
            if libc.mount(os.fsencode(src), os.fsencode(str(spot)), None, _MS_BIND | _MS_REC, None):
                return f"cannot bind-mount {src}: {_errno_text()}"
            staged.append((name, spot))
        opts = b"size=1m,mode=0755"
        if libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", _MOUNT_FLAGS["nosuid"], opts):
            return f"cannot cover {folder}: {_errno_text()}"
        for name, spot in staged:
            target = os.path.join(folder, name)
            os.mkdir(target, 0o755) if spot.is_dir() else open(target, "w").close()
            if libc.mount(os.fsencode(str(spot)), os.fsencode(target), None, _MS_MOVE, None):
                return f"cannot move {name} back into {folder}: {_errno_text()}"
            spot.rmdir()
    return None


def interpreter_readable_by(uid: int) -> bool:
    """Whether ``uid`` (not root, no capabilities) can import from every ``sys.path`` folder.

    Checks the permission bits along each path (others' ``x`` on every
    ancestor, ``r`` on the folder itself) for the interpreter's prefixes and
    every existing ``sys.path`` entry.
    """
    import sys

    def ok(path: str, want_read: bool) -> bool:
        parts = Path(os.path.realpath(path))
        chain = [*reversed(parts.parents), parts]
        for i, p in enumerate(chain):
            try:
                st = os.stat(p)
            except OSError:
                return True  # does not exist: nothing to read there
            mode = st.st_mode
            bits = (mode >> 6) & 7 if st.st_uid == uid else mode & 7
            last = i == len(chain) - 1
            if not bits & 1 and not (last and not os.path.isdir(p)):
                return False
            if last and want_read and not bits & 4:
                return False
        return True

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, *[p for p in sys.path if p]}
    return all(ok(p, True) for p in paths)


@functools.cache
def _libc() -> Any:
    """The C library through ctypes, loaded once per process (a fork server's children
    inherit it, with its functions resolved: :func:`perfcount.execute.server._rehearse`)."""
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


@functools.cache
def _cap_types() -> tuple[Any, Any]:
    """capset(2)'s header and data types (ctypes), made once per process."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    return Header, ctypes.c_uint32 * 6


def _errno_text() -> str:
    import ctypes

    return os.strerror(ctypes.get_errno())


#: files (inodes) a candidate's private tmpfs folders (work folder, /dev/shm) may hold
MAX_FILES = 65536


def isolate(
    limits: Limits,
    writable: list[Path],
    workdir: Path | None = None,
    uid: int | None = None,
    *,
    hide_proc: bool = False,
) -> list[str]:
    """Put the calling (candidate) process in fresh namespaces; why any step failed.

    In order: new IPC and UTS namespaces (no System V IPC or hostname shared
    with the evaluator), a new network namespace unless ``limits.network``
    (only a loopback device that is down), and a new mount namespace in which
    every mount is remounted read-only except the folders in ``writable``
    (bind-mounted onto themselves), ``workdir`` (a fresh tmpfs of
    ``4 * file_mb`` MiB, at least 64, owned by ``uid``) and a private tmpfs on
    ``/dev/shm`` (so ``multiprocessing`` still works). With ``uid``, ``/proc``
    is a procfs instance of its own with ``hidepid=invisible``: the candidate
    sees only its own processes; with ``hide_proc`` there is no ``/proc`` at all
    (an empty read-only tmpfs: under qemu-user, ``/proc/self/mem`` would reach
    the counting plugin's memory). ``/run`` (and so ``/var/run``: sockets and
    state of the host's services) is an empty read-only tmpfs too. Files opened
    before (the stdout/stderr pipe) stay writable. Nothing here is fatal: each step that the kernel refuses
    (not root, no namespaces) is returned as a sentence and the candidate runs
    with what did apply. Must run before :func:`drop_capabilities`.
    """
    libc = _libc()
    notes: list[str] = []
    flags = _CLONE_NEWIPC | _CLONE_NEWUTS | (0 if limits.network else _CLONE_NEWNET)
    if libc.unshare(flags) != 0:
        notes.append(f"unshare(ipc, uts, net) failed: {_errno_text()}")
        if not limits.network and libc.unshare(_CLONE_NEWNET) != 0:
            notes.append(f"unshare(CLONE_NEWNET) failed: {_errno_text()}; the network is shared")
    if libc.unshare(_CLONE_NEWNS) != 0:
        notes.append(f"unshare(CLONE_NEWNS) failed: {_errno_text()}; the filesystem is writable")
        return notes
    if libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        notes.append(f"cannot make mounts private: {_errno_text()}; the filesystem is writable")
        return notes
    keep = set()
    for path in writable:
        target = os.fsencode(str(path))
        if libc.mount(target, target, None, _MS_BIND | _MS_REC, None) != 0:
            notes.append(f"cannot bind-mount {path}: {_errno_text()}")
        keep.add(os.path.realpath(path))
    if workdir is not None:
        # the candidate's own folder: a private tmpfs, so its total size is bounded
        # (charged to the memory cgroup) and nothing written there outlives it
        size_mb = max(4 * limits.file_mb, 64)
        owner = f",uid={uid},gid={uid}" if uid is not None else ""
        # inodes bounded too: a flood of empty files costs memory the size limit misses
        opts = f"size={size_mb}m,nr_inodes={MAX_FILES},mode=0700{owner}".encode()
        target = os.fsencode(str(workdir))
        if (
            libc.mount(
                b"tmpfs", target, b"tmpfs", _MOUNT_FLAGS["nosuid"] | _MOUNT_FLAGS["nodev"], opts
            )
            != 0
        ):
            notes.append(f"cannot mount a tmpfs on {workdir}: {_errno_text()}")
            if libc.mount(target, target, None, _MS_BIND, None) != 0:
                notes.append(f"cannot bind-mount {workdir}: {_errno_text()}")
        keep.add(os.path.realpath(workdir))
    if uid is not None and workdir is not None and not interpreter_readable_by(uid):
        # make the interpreter reachable for the candidate's uid by mounts, so that no
        # capability (CAP_DAC_READ_SEARCH reads every file) has to be kept for it
        why = expose_interpreter(uid, workdir)
        if why:
            notes.append(f"the interpreter stays unreadable for the candidate's uid ({why})")
    if uid is not None:
        # a procfs instance of its own in which processes of other users are
        # invisible (the evaluator, the fork server, other candidates)
        flags = _MOUNT_FLAGS["nosuid"] | _MOUNT_FLAGS["nodev"] | _MOUNT_FLAGS["noexec"]
        if libc.mount(b"proc", b"/proc", b"proc", flags, b"hidepid=invisible") != 0:
            notes.append(f"cannot mount a private /proc: {_errno_text()}; processes are visible")
        else:
            keep.add("/proc")
    shm = b"/dev/shm"
    if os.path.isdir(shm):
        size = f"size={max(limits.file_mb, 1)}m,nr_inodes={MAX_FILES},mode=1777".encode()
        if (
            libc.mount(
                b"tmpfs", shm, b"tmpfs", _MOUNT_FLAGS["nosuid"] | _MOUNT_FLAGS["nodev"], size
            )
            == 0
        ):
            keep.add("/dev/shm")
    failed = []
    for mount_point, options in _mounts():
        if mount_point in keep or "ro" in options:
            continue
        flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY
        for name in options:
            flags |= _MOUNT_FLAGS.get(name, 0)
        if libc.mount(None, os.fsencode(mount_point), None, flags, None) != 0:
            failed.append(f"{mount_point} ({_errno_text()})")
    if failed:
        notes.append("could not make read-only: " + ", ".join(failed[:5]))
    # last: the loop above reads /proc/self/mountinfo
    hidden = [b"/run"] + ([b"/proc"] if hide_proc else [])
    ro_empty = _MOUNT_FLAGS["nosuid"] | _MOUNT_FLAGS["nodev"] | _MOUNT_FLAGS["noexec"] | _MS_RDONLY
    for target in hidden:
        if (
            os.path.isdir(target)
            and libc.mount(b"tmpfs", target, b"tmpfs", ro_empty, b"size=4k") != 0
        ):
            notes.append(f"cannot hide {target.decode()}: {_errno_text()}")
    return notes


def _mounts() -> list[tuple[str, set[str]]]:
    """(mount point, per-mount options) of the calling process, parents first."""
    out = []
    try:
        with open("/proc/self/mountinfo", "rb") as f:
            for line in f:
                fields = line.split()
                point = fields[4].decode("utf-8", "surrogateescape")
                point = point.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
                out.append((point, set(fields[5].decode().split(","))))
    except (OSError, IndexError):
        pass
    return out


def drop_capabilities(uid: int | None = None, keep_read: bool = False) -> str | None:
    """Give up every capability (bounding, effective, permitted, inheritable) for good.

    With ``uid`` (root only), also become that user and group (no
    supplementary groups). The candidate then cannot undo the sandbox: no
    remounting, no leaving the cgroup, no raising its resource limits
    (CAP_SYS_RESOURCE), no new namespaces or ``setns``, no module loading or
    raw sockets; and as a user other than root it cannot signal, ptrace or
    write the files of the evaluator (``kill(-1, SIGKILL)`` from a uid-0
    process without capabilities would still reach every root process).
    ``keep_read`` keeps exactly one capability, ``CAP_DAC_READ_SEARCH``
    (read any file, write none), also across ``exec`` (ambient): needed when
    the interpreter or its packages live where ``uid`` cannot read (e.g. a
    pyenv under ``/root``, mode 0700); see :func:`interpreter_readable_by`.
    ``PR_SET_NO_NEW_PRIVS`` keeps an ``exec`` of a setuid program from
    regaining privileges. Returns ``None`` on success, else why not.
    """
    import ctypes

    libc = _libc()
    problems = []
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        problems.append(f"PR_SET_NO_NEW_PRIVS: {_errno_text()}")
    last_cap = 40
    with contextlib.suppress(OSError, ValueError), open("/proc/sys/kernel/cap_last_cap") as f:
        last_cap = int(f.read())
    kept = (1 << _CAP_DAC_READ_SEARCH) if (keep_read and uid is not None) else 0
    for cap in range(last_cap + 1):
        if kept >> cap & 1:
            continue
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            problems.append(f"PR_CAPBSET_DROP: {_errno_text()}")
            break
    if uid is not None:
        try:
            if kept:
                libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0)
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        except OSError as exc:
            problems.append(f"cannot become uid {uid}: {exc.strerror}")
            kept = 0

    Header, Data = _cap_types()
    data = Data(kept, kept, kept, 0, 0, 0)  # {eff, perm, inh} x 2
    if libc.capset(ctypes.byref(Header(_CAP_VERSION_3, 0)), data) != 0:
        problems.append(f"capset: {_errno_text()}")
    elif kept and libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE, _CAP_DAC_READ_SEARCH, 0, 0):
        problems.append(f"ambient CAP_DAC_READ_SEARCH: {_errno_text()}")
    return "; ".join(problems) or None


def describe() -> dict[str, Any]:
    """What the candidate sandbox uses on this machine (``perfcount info``).

    Nothing of a candidate runs; only the pid namespace probe forks (its placeholder).

    Keys: ``root``; ``namespaces`` (the ones each candidate gets, empty when not
    root, then ``namespaces_reason``); ``read_only_fs``; ``private_proc``
    (``hidepid``); ``own_uid`` (each
    candidate a uid of its own); ``capabilities`` (what is kept);
    ``pids_cgroup``/``memory_cgroup`` (writable v1 hierarchies);
    ``pid_namespace`` (candidates get pid namespaces; else ``pid_namespace_reason``
    says why; probing it forks a placeholder once); ``summary``.
    """
    root = os.geteuid() == 0
    present = [n for n in ("ipc", "uts", "net", "mnt") if os.path.exists(f"/proc/self/ns/{n}")]
    pids = (PIDS_ROOT / "cgroup.procs").exists() and os.access(PIDS_ROOT, os.W_OK)
    memory = (MEMORY_ROOT / "cgroup.procs").exists() and os.access(MEMORY_ROOT, os.W_OK)
    if root:
        caps = (
            "none"
            if interpreter_readable_by(CANDIDATE_UID_BASE)
            else "CAP_DAC_READ_SEARCH only (the interpreter is not readable by other users)"
        )
    else:
        caps = "those of the evaluator's user"
    out: dict[str, Any] = {
        "root": root,
        "namespaces": present if root else [],
        "namespaces_reason": "" if root else "not root: unshare(2) needs CAP_SYS_ADMIN",
        "read_only_fs": root and "mnt" in present,
        "private_proc": root and "mnt" in present,
        "own_uid": root,
        "capabilities": caps,
        "pids_cgroup": pids,
        "memory_cgroup": memory,
    }
    no_pid = pid_namespace_unavailable()
    out["pid_namespace"] = not no_pid
    out["pid_namespace_reason"] = no_pid
    parts = []
    if root:
        spaces = "/".join((["pid"] if not no_pid else []) + present)
        parts.append(f"namespaces {spaces}, read-only fs, private /proc, own uid, caps: {caps}")
        if no_pid:
            parts.append(f"no pid namespace ({no_pid})")
    else:
        parts.append("no namespaces or uid change (not root)")
    parts.append("pids cgroup" if pids else "no pids cgroup")
    parts.append("memory cgroup" if memory else "no memory cgroup")
    out["summary"] = "; ".join(parts)
    return out


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


def pid_namespace_unavailable() -> str:
    """Why the caller's children cannot get pid namespaces of their own ("" when they can).

    A candidate that shares the host's pid numbering learns which pids are
    alive from ``kill(pid, 0)``, ``getpgid`` or ``getsid`` (EPERM for a live
    process of another user, ESRCH for a free pid): a liveness oracle and a
    covert channel between candidates running at the same time. In a pid
    namespace of its own every outside pid is ESRCH. The native module does
    the work (``_native.enter_pid_namespace``: unshare, then fork the
    namespace's pid 1, a placeholder in C that only reaps orphans, so that the
    candidate, forked next, is not an init, which ignores every signal it has
    no handler for). This tries it once: enter, go back, end the placeholder.
    """
    if os.geteuid() != 0:
        return "not root"
    try:
        from perfcount import _native
    except ImportError:
        return "perfcount's native module is not built"
    from perfcount.errors import PerfcountError

    if not hasattr(_native, "enter_pid_namespace"):
        return "perfcount's native module predates pid namespaces (rebuild it)"
    try:
        init = _native.enter_pid_namespace()
    except PerfcountError as exc:
        return exc.message
    _native.leave_pid_namespace()
    _native.end_pid_namespace(init)
    return ""


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
        path = root / "perfcount-runners" / runner_id
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
            if not (d.is_dir() and owner.isdigit()) or Path(f"/proc/{int(owner)}").exists():
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


class MemoryCgroup:
    """A cgroup v1 ``memory`` folder per runner with one sub-folder per candidate.

    RLIMIT_AS bounds each process's address space; the memory cgroup bounds
    the resident memory of the candidate's whole process tree (a fork bomb of
    allocators, tmpfs and page cache included). When the kernel's OOM killer
    ends a candidate there, ``oom_killed`` tells the runner to report
    ``memory`` rather than ``crashed``. ``path`` is ``None`` (and ``reason``
    says why) where the memory controller is not writable.
    """

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path = path
        self.reason = reason

    @classmethod
    def create(cls, runner_id: str, root: Path | None = None) -> MemoryCgroup:
        root = MEMORY_ROOT if root is None else root
        if not (root / "memory.limit_in_bytes").exists():
            reason = f"no cgroup v1 memory hierarchy at {root}; memory is bounded per process only"
            log.info(reason)
            return cls(None, reason)
        path = root / "perfcount-runners" / runner_id
        try:
            path.mkdir(parents=True, exist_ok=True)
            PidsCgroup._sweep(path.parent)
            (path / "memory.limit_in_bytes").write_text("-1")
        except OSError as exc:
            reason = f"cannot create a memory cgroup under {root} ({exc.strerror}); memory is bounded per process only"
            log.info(reason)
            return cls(None, reason)
        return cls(path, f"candidates run in memory cgroups under {path}")

    @staticmethod
    def make_child(path: Path, memory_mb: int) -> None:
        path.mkdir(exist_ok=True)
        if memory_mb:
            limit = (memory_mb + MEMORY_CGROUP_HEADROOM_MB) << 20
            (path / "memory.limit_in_bytes").write_text(str(limit))

    @staticmethod
    def oom_killed(path: Path) -> bool:
        """Whether the OOM killer ended a process in this cgroup."""
        try:
            for line in (path / "memory.oom_control").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        except (OSError, ValueError):
            pass
        return False

    @staticmethod
    def remove(path: Path) -> None:
        PidsCgroup.remove(path)

    def close(self) -> None:
        if self.path is None or not self.path.exists():
            return
        for child in self.path.iterdir():
            if child.is_dir():
                self.remove(child)
        self.remove(self.path)
