"""A seccomp filter for candidates: the kernel calls no scored program needs.

Installed in every candidate process after the sandbox has set up its
namespaces and mounts (which need some of these calls) and before any
candidate code runs; inherited by every thread and child the candidate
starts, and it cannot be removed. It is a deny list — the interpreter, the
C runtime and valgrind keep working — of the calls that reach past the
sandbox or open channels between candidates:

- new namespaces: ``unshare``, ``setns``, ``clone`` with any ``CLONE_NEW*``
  flag (a user namespace would give the candidate every capability inside it),
  and ``clone3`` (its flags sit behind a pointer a filter cannot read; it
  answers ``ENOSYS``, so the C library falls back to ``clone``);
- the kernel keyring (``add_key``, ``request_key``, ``keyctl``);
- ``io_uring_*``, ``userfaultfd``, ``bpf``;
- ``ptrace``, ``process_vm_readv/writev``, ``pidfd_open``/``pidfd_getfd``;
- ``socket(AF_UNIX, ...)``: a unix socket on the filesystem (a 0666 one in
  ``/tmp``, say) is reachable from an empty network namespace; ``socketpair``
  stays allowed, so ``multiprocessing`` pipes and queues work;
- the mount family, ``pivot_root``, ``open_by_handle_at``/``name_to_handle_at``;
- module loading, ``kexec``, ``reboot``, ``swapon``/``swapoff``, ``acct``;
- ``perf_event_open`` (``deny_perf_events=True``, always for candidates: the
  harness counts from outside them), so a candidate cannot open, read or
  disable counters of its own;
- new processes (``deny_processes=True``, the valgrind backend, whose count is
  per process): ``fork``, ``vfork`` and ``clone`` without ``CLONE_THREAD``.

Denied calls fail with ``EPERM`` (``ENOSYS`` for ``clone3``). The filter is
built with libseccomp (``libseccomp.so.2``, Debian's ``libseccomp2``) through
ctypes; where it is missing, :func:`install` says so and the sandbox reports
the filter as absent.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
from typing import Any

__all__ = ["DENIED", "NAMESPACE_FLAGS", "available", "install"]

#: calls denied outright (EPERM); names libseccomp does not know on this
#: architecture are skipped
DENIED: tuple[str, ...] = (
    "unshare",
    "setns",
    "add_key",
    "request_key",
    "keyctl",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "userfaultfd",
    "bpf",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    # a pidfd of a process outside the candidate's tree told it was alive (as kill(pid, 0)
    # did before the pid namespaces; where there are none, it still would) and pidfd_getfd
    # would take its descriptors
    "pidfd_open",
    "pidfd_getfd",
    "mount",
    "umount2",
    "pivot_root",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "open_by_handle_at",
    "name_to_handle_at",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
)

#: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
NAMESPACE_FLAGS: tuple[int, ...] = (
    0x00020000,
    0x02000000,
    0x04000000,
    0x08000000,
    0x10000000,
    0x20000000,
    0x40000000,
)

_SCMP_ACT_ALLOW = 0x7FFF0000
_SCMP_CMP_MASKED_EQ = 7


def _act_errno(err: int) -> int:
    return 0x00050000 | (err & 0x0000FFFF)


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


@functools.lru_cache(maxsize=1)
def _lib() -> Any:
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.restype = ctypes.c_int
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(_ArgCmp),
    ]
    lib.seccomp_load.restype = ctypes.c_int
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    return lib


def available() -> tuple[bool, str]:
    """Whether the filter can be installed here, and why not."""
    if _lib() is None:
        return False, "libseccomp is not installed (Debian: apt-get install libseccomp2)"
    return True, "libseccomp filter"


#: CLONE_THREAD: a clone without it makes a new process
CLONE_THREAD = 0x00010000
#: socket()'s domain for unix sockets (AF_LOCAL)
AF_UNIX = 1


def install(
    *, deny_perf_events: bool = False, deny_processes: bool = False, export_fd: int | None = None
) -> str | None:
    """Install the filter in this process (irrevocably); ``None``, or why it was not installed.

    ``deny_processes``: no new processes (``fork``, ``vfork``, ``clone`` without
    ``CLONE_THREAD``; threads still work) — for a candidate whose count is
    per process and could not follow a child (the valgrind backend).
    ``export_fd``: write the filter as a BPF program to this descriptor
    (``seccomp_export_bpf``) instead of installing it, for a child that
    installs it itself right before exec (``perfcount.execute.jail``).
    """
    lib = _lib()
    if lib is None:
        return available()[1]
    ctx = lib.seccomp_init(_SCMP_ACT_ALLOW)
    if not ctx:
        return "seccomp_init failed"
    try:
        eperm = _act_errno(errno.EPERM)
        names = list(DENIED) + (["perf_event_open"] if deny_perf_events else [])
        if deny_processes:
            names += ["fork", "vfork"]
        for name in names:
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            if nr < 0:  # not a call on this architecture
                continue
            rc = lib.seccomp_rule_add_array(ctx, eperm, nr, 0, None)
            if rc < 0:
                return f"seccomp_rule_add({name}) failed: {errno.errorcode.get(-rc, rc)}"
        clone = lib.seccomp_syscall_resolve_name(b"clone")
        for flag in NAMESPACE_FLAGS:
            cmp = (_ArgCmp * 1)(_ArgCmp(0, _SCMP_CMP_MASKED_EQ, flag, flag))
            rc = lib.seccomp_rule_add_array(ctx, eperm, clone, 1, cmp)
            if rc < 0:
                return f"seccomp_rule_add(clone & {flag:#x}) failed: {errno.errorcode.get(-rc, rc)}"
        if deny_processes:
            cmp = (_ArgCmp * 1)(_ArgCmp(0, _SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0))
            rc = lib.seccomp_rule_add_array(ctx, eperm, clone, 1, cmp)
            if rc < 0:
                return f"seccomp_rule_add(clone without CLONE_THREAD) failed: {errno.errorcode.get(-rc, rc)}"
        sock = lib.seccomp_syscall_resolve_name(b"socket")
        if sock >= 0:
            cmp = (_ArgCmp * 1)(_ArgCmp(0, _SCMP_CMP_MASKED_EQ, 0xFFFFFFFF, AF_UNIX))
            rc = lib.seccomp_rule_add_array(ctx, eperm, sock, 1, cmp)
            if rc < 0:
                return f"seccomp_rule_add(socket(AF_UNIX)) failed: {errno.errorcode.get(-rc, rc)}"
        clone3 = lib.seccomp_syscall_resolve_name(b"clone3")
        if clone3 >= 0:
            rc = lib.seccomp_rule_add_array(ctx, _act_errno(errno.ENOSYS), clone3, 0, None)
            if rc < 0:
                return f"seccomp_rule_add(clone3) failed: {errno.errorcode.get(-rc, rc)}"
        if export_fd is not None:
            lib.seccomp_export_bpf.restype = ctypes.c_int
            lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
            rc = lib.seccomp_export_bpf(ctx, export_fd)
            return f"seccomp_export_bpf failed: {errno.errorcode.get(-rc, rc)}" if rc < 0 else None
        rc = lib.seccomp_load(ctx)
        if rc < 0:
            return f"seccomp_load failed: {errno.errorcode.get(-rc, rc)}"
        return None
    finally:
        lib.seccomp_release(ctx)
