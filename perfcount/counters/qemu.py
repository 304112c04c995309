"""Everything perfcount knows about qemu-user, in one place (the ``qemu`` backend).

Candidates run under ``qemu-x86_64`` with perfcount's own TCG plugin
(``perfcount/_qemu_plugin.so``, built from ``native/qemu/``), which counts
guest instructions inline per translation block: deterministic counts at a
few times native speed (6.6x on a 5.6e9-instruction Python run, where
callgrind is 43x: ``benchmarks/backends.py``).

- finding and checking qemu: :func:`require_qemu` (``qemu-x86_64`` with
  plugin support), :func:`plugin_path`, :func:`check_available` (a probe run
  of the plugin, cached), :func:`describe` (machine metadata);
- starting it: :func:`qemu_argv` with the pinned emulated CPU
  (:data:`CPU_MODEL`), :func:`resolve_program` (PATH lookup and ``#!``
  scripts, which qemu-user cannot load itself);
- the report channel: :class:`Channel` (a per-run key given to the plugin
  through a pipe, a report file the plugin appends authenticated records to),
  :class:`Record`, :func:`parse_records` and :func:`tree` (a process tree's
  records checked for completeness and summed);
- the harness side of the arm marker: :func:`arm`;
- regions of this process when it runs under qemu with ``regions=on``
  (trusted code only: budgets in CI): :func:`python_argv` (this interpreter
  re-run under qemu), :func:`running_regions`, :func:`region_count`.

Trust (see also the comment at the top of ``native/qemu/plugin.c``): a
measured process cannot reset its count (a second arm is ignored and counted
in ``rearm``), cannot hide work in a child (children are counted and a missing
child record makes the tree incomplete) or in an exec'd program (the plugin
kills a process that calls execve), and cannot write records (they carry an
HMAC-SHA256 under a per-run key the guest never sees in argv or its fds). It
shares qemu's address space, though: a candidate that finds the plugin's
memory (``/proc/self/mem``, or ``/proc/<pid>/maps`` of a sibling, which qemu
7.2 does not filter) can alter its own count. The sandbox should deny ``/proc``.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno as errno_mod
import functools
import hmac
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from perfcount.counters.callgrind import no_aslr
from perfcount.errors import BackendError, CandidateError, InvalidArgument

__all__ = [
    "ARENA_VAR",
    "ARM_SYSCALL",
    "CPU_MODEL",
    "INSTALL_HINT",
    "NO_BUDGET",
    "REEXEC_ENV",
    "REGION_READ",
    "REGION_SYSCALL",
    "TIMEOUT_FACTOR",
    "VERIFIED_VERSIONS",
    "Channel",
    "Record",
    "Tree",
    "arm",
    "check_available",
    "describe",
    "guest_env",
    "parse_records",
    "plugin_path",
    "prepare_arm",
    "python_argv",
    "python_env",
    "qemu_argv",
    "region_count",
    "require_qemu",
    "resolve_program",
    "running_regions",
    "tree",
    "unverified_reason",
]

#: The arm marker's syscall number (``PC_ARM_SYSCALL`` in native/qemu/plugin.c).
ARM_SYSCALL = 0x2F5C0001
#: An arm's budget at or above this is none (``PC_NO_BUDGET``): more instructions than
#: any run makes.
NO_BUDGET = (1 << 60) - 1
#: The region marker (``PC_REGION_SYSCALL``): answered only with ``regions=on``.
REGION_SYSCALL = 0x2F5C0002
#: Its one operation: write the process's running count to a guest ``uint64_t``.
REGION_READ = 1
#: Set in the environment of a Python this module re-ran under qemu (loop guard).
REEXEC_ENV = "PERFCOUNT_QEMU_REGIONS"

#: The emulated CPU, pinned so that glibc's ifunc choices (and OpenSSL's, zlib's
#: ... CPUID dispatch) are the same on every host and every qemu version:
#: Nehalem (SSE4.2, POPCNT: x86-64-v2, so -march=x86-64-v2 builds run; no
#: AVX), a versioned model whose definition qemu never changes, which TCG
#: emulates without warnings (Haswell prints some on every start). Measured on
#: a 5.6e9-instruction Python run (benchmarks/backends.py --cpus): Haswell-v4
#: counts +0.92 %, ``max`` +0.63 %, qemu64-v1 +0.00002 %; all run at about
#: the same speed.
CPU_MODEL = "Nehalem-v1"

#: How much longer code takes under qemu + the plugin than natively; a timeout
#: in native seconds is multiplied by it. Measured (benchmarks/backends.py,
#: Debian's python3, qemu 7.2): 6.6x CPU time on a 5.6e9-instruction run (qemu
#: alone 5.7x; the per-vCPU mode after a second thread 9.8x), ~14x on a 5e8
#: one whose start-up, translated once, dominates.
TIMEOUT_FACTOR = 10.0

QEMU = "qemu-x86_64"
INSTALL_HINT = (
    "apt-get install -y qemu-user on Debian 12 (qemu 7.2, dynamically linked); a static "
    "qemu-user cannot load plugins, and Debian 13's qemu-user package is static: there, "
    "build qemu-user from source (./configure --target-list=x86_64-linux-user "
    "--enable-plugins), put its qemu-x86_64 first on PATH, or use backend='cachegrind' "
    "(valgrind >= 3.22) or 'valgrind'"
)

KEY_BYTES = 32
#: a record line is well under this; anything longer is not the plugin's
_MAX_LINE = 1024

_RECORD = re.compile(
    rb"PCQ1 seq=(?P<seq>\d{1,10}) tag=(?P<tag>\d{1,20}) id=(?P<id>[0-9a-f]{16}) "
    rb"parent=(?P<parent>[0-9a-f]{16}) nth=(?P<nth>\d{1,10}) pid=(?P<pid>\d{1,10}) "
    rb"ppid=(?P<ppid>\d{1,10}) insns=(?P<insns>\d{1,20}) forks=(?P<forks>\d{1,10}) "
    rb"threads=(?P<threads>\d{1,10}) rearm=(?P<rearm>\d{1,10}) budget=(?P<budget>\d{1,20}) "
    rb"end=(?P<end>exit|exec|budget|signal) code=(?P<code>-?\d{1,11}) "
    rb"mode=(?P<mode>inline|percpu|scoreboard)"
)
_MAC = re.compile(rb"[0-9a-f]{64}")


# ---------------------------------------------------------------------------
# finding qemu and the plugin


@functools.cache
def _qemu_facts(path: str) -> tuple[str, bool]:
    """(version line, whether it has -plugin) of one qemu binary."""
    try:
        ver = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=30)
        helptext = subprocess.run([path, "-h"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackendError(f"cannot run {path}: {exc}", hint=INSTALL_HINT) from exc
    first = (ver.stdout or ver.stderr).strip().splitlines()
    version = first[0].removeprefix("qemu-x86_64 version ").strip() if first else "unknown"
    return version, re.search(r"^-plugin\b", helptext.stdout, re.M) is not None


def _is_static(path: str) -> bool:
    """Whether an ELF executable has no program interpreter (static, static-pie included)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:  # not a 64-bit ELF: say nothing
                return False
            phoff, phentsize, phnum = (
                int.from_bytes(head[32:40], "little"),
                int.from_bytes(head[54:56], "little"),
                int.from_bytes(head[56:58], "little"),
            )
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return False
    PT_INTERP = 3
    return all(
        int.from_bytes(table[i : i + 4], "little") != PT_INTERP
        for i in range(0, len(table), phentsize)
    )


def require_qemu() -> str:
    """The path of a ``qemu-x86_64`` that can load plugins, or a :class:`BackendError`."""
    machine = platform.machine().lower()
    if machine not in ("x86_64", "amd64"):
        raise BackendError(
            f"the qemu backend runs this machine's own x86-64 programs under qemu-x86_64; "
            f"this host is {machine}",
            hint="use backend='valgrind' or 'software' here",
        )
    path = shutil.which(QEMU)
    if path is None:
        raise BackendError(
            "qemu-x86_64 is not installed (the qemu backend runs candidates under qemu-user)",
            hint=INSTALL_HINT,
        )
    version, plugins = _qemu_facts(path)
    if not plugins:
        raise BackendError(
            f"{path} (qemu {version}) was built without TCG plugin support (no -plugin "
            f"option){' (it is statically linked)' if _is_static(path) else ''}",
            hint=INSTALL_HINT,
        )
    return path


def plugin_path() -> Path:
    """perfcount's qemu plugin (``perfcount/_qemu_plugin.so``), or a :class:`BackendError`."""
    # perfcount's __path__ may hold a source tree and the installed copy (see
    # perfcount/__init__.py): the plugin is a file of the package, found like a module
    package = sys.modules.get("perfcount")
    folders = [Path(__file__).resolve().parent.parent] + [
        Path(p) for p in getattr(package, "__path__", ())
    ]
    found = [f / "_qemu_plugin.so" for f in folders if (f / "_qemu_plugin.so").is_file()]
    path = found[0] if found else folders[0] / "_qemu_plugin.so"
    if not path.is_file():
        raise BackendError(
            f"perfcount was built without its qemu plugin ({path} is missing)",
            hint="reinstall perfcount with a C compiler available (pip install .); "
            "in a source tree, build native/ and link build/*/_qemu_plugin.so into perfcount/",
        )
    return path


@functools.cache
def _probe(qemu: str, plugin: str) -> None:
    """Run the plugin once on a tiny program; raises :class:`BackendError` with qemu's words."""
    target = shutil.which("true") or "/bin/true"
    with Channel() as ch:
        kfd = ch.key_fd()
        try:
            argv = qemu_argv(ch, kfd, target, ["true"], arm_start=True, qemu=qemu)
            done = subprocess.run(
                argv,
                pass_fds=(kfd, ch.write_fd),
                capture_output=True,
                timeout=60,
                stdin=subprocess.DEVNULL,
                env=guest_env(None),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise BackendError(f"cannot run {qemu}: {exc}", hint=INSTALL_HINT) from exc
        finally:
            os.close(kfd)
        records = ch.read(final=True)
    if done.returncode != 0 or len(records) != 1 or records[0].end != "exit":
        err = done.stderr.decode("utf-8", "replace").strip()[-800:]
        raise BackendError(
            f"{qemu} could not run perfcount's plugin {plugin} "
            f"(exit status {done.returncode}, {len(records)} record(s)): {err or 'no message'}",
            hint="this qemu's plugin API may be too new or too old for the plugin "
            "(qemu 7.2 and 9.0+ are supported); use backend='valgrind'",
        )


def check_available() -> tuple[str, Path]:
    """(qemu path, plugin path) once the plugin was seen counting here; else :class:`BackendError`."""
    qemu = require_qemu()
    plugin = plugin_path()
    _probe(qemu, str(plugin))
    return qemu, plugin


#: the qemu-user (major, minor) versions whose counts were shown identical on every run
#: path (tests/integration/test_reproducibility.py, test_command_sandbox.py): ``auto``
#: picks no other (an explicit ``backend="qemu"`` still runs on any version that loads
#: the plugin)
VERIFIED_VERSIONS = ((7, 2),)


def unverified_reason(version: str) -> str | None:
    """Why ``auto`` does not pick qemu ``version`` (a ``-version`` line), or None."""
    m = re.match(r"(\d+)\.(\d+)", version)
    if m and (int(m.group(1)), int(m.group(2))) in VERIFIED_VERSIONS:
        return None
    return (
        f"qemu {version.split()[0] if version else '(unknown version)'} is not a version "
        "auto picks: from qemu 8.1 on, the guest's memory layout follows the host's, and "
        "on qemu 10.0 one C program counted 122,326 instructions in the command jail and "
        "125,665 run bare (the budget, too, is checked at syscalls only); "
        "backend='qemu' uses it all the same"
    )


def describe() -> dict[str, Any]:
    """Machine metadata of this backend: qemu's path and version, the emulated CPU, the plugin.

    Never raises: a missing part is reported with the reason (``available``
    False, ``reason``).
    """
    out: dict[str, Any] = {"cpu": CPU_MODEL, "path": shutil.which(QEMU), "version": None}
    try:
        qemu, plugin = check_available()
    except BackendError as exc:
        if out["path"]:
            with contextlib.suppress(BackendError):
                out["version"] = _qemu_facts(out["path"])[0]
        return {**out, "available": False, "reason": str(exc).splitlines()[0]}
    return {**out, "version": _qemu_facts(qemu)[0], "plugin": str(plugin), "available": True}


# ---------------------------------------------------------------------------
# starting qemu


def _plugin_value(path: str) -> str:
    return path.replace(",", ",,")  # qemu's option syntax: ",," is a literal comma


#: set to 1 in qemu's own environment (see :func:`guest_env`), never in the guest's
ARENA_VAR = "MALLOC_ARENA_MAX"


def guest_env(env: Mapping[str, str] | None) -> dict[str, str]:
    """The environment to start qemu with: ``env`` (or this one) without ``QEMU_*``,
    and qemu's own glibc malloc limited to one arena.

    qemu-user reads ``QEMU_*`` variables as its own options (``QEMU_PLUGIN``
    would load another plugin, ``QEMU_CPU`` would change the model, ...).
    One arena: from QEMU 8.1 on, qemu-user puts the guest's mmaps where the
    host's mmap does, and qemu's RCU thread, started before ``main``, maps a
    64 MiB malloc arena of its own at a moment that races with the main
    thread's first mmaps. Measured on qemu 10.0 with randomisation off: half
    of the runs had the guest's heap 128 MiB lower, and a Python program's
    count moved by up to 3 %. :func:`qemu_argv` and :func:`python_argv`,
    given the same ``env``, hide the variable from the guest again
    (``-U``, or ``-E`` with the caller's own value).
    """
    base = os.environ if env is None else env
    out = {k: v for k, v in base.items() if not k.startswith("QEMU_")}
    out[ARENA_VAR] = "1"
    return out


def _guest_env_options(env: Mapping[str, str] | None) -> list[str]:
    """qemu options that give the guest ``env``'s own :data:`ARENA_VAR` (or none)."""
    value = (os.environ if env is None else env).get(ARENA_VAR)
    return ["-U", ARENA_VAR] if value is None else ["-E", f"{ARENA_VAR}={value}"]


def qemu_argv(
    channel: Channel,
    key_fd: int,
    program: str,
    guest_argv: Sequence[str],
    *,
    arm_start: bool,
    tag: int = 0,
    budget: int | None = None,
    cpu: str = CPU_MODEL,
    qemu: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """``setarch ARCH -R qemu-x86_64 -cpu CPU -plugin ... -0 ARGV0 PROGRAM ARGS``.

    Started with :func:`guest_env` of the same ``env`` (the guest's
    environment; None: this one). Address-space randomisation is off: from
    QEMU 8.1 on, the guest's mmaps land where the host's do.

    ``program`` is the file qemu loads (an ELF path, see
    :func:`resolve_program`), ``guest_argv`` the argv the guest sees.
    ``arm_start=True`` measures the first process from its first instruction
    (``tag`` names it, ``budget`` is each process's instruction budget, see
    :func:`arm`); otherwise processes are measured once they :func:`arm`.
    ``key_fd`` and ``channel.write_fd`` must reach qemu (inherited or
    ``pass_fds``).
    """
    if not guest_argv:
        raise InvalidArgument("the guest argv is empty")
    if isinstance(tag, bool) or not isinstance(tag, int) or not 0 <= tag < 1 << 63:
        raise InvalidArgument(f"tag must be an int in [0, 2**63), got {tag!r}")
    opt = [
        _plugin_value(str(plugin_path())),
        f"fd={channel.write_fd}",
        f"keyfd={key_fd}",
        "arm=start" if arm_start else "arm=marker",
    ]
    if budget is not None:
        if not arm_start:
            raise InvalidArgument("budget= is for arm_start=True; an arm marker carries its own")
        if isinstance(budget, bool) or not isinstance(budget, int) or not 0 < budget < NO_BUDGET:
            raise InvalidArgument(f"budget must be an int in [1, NO_BUDGET), got {budget!r}")
    if arm_start:
        opt.append(f"tag={tag}")
        if budget is not None:
            opt.append(f"budget={budget}")
    return [
        *no_aslr(),
        qemu or require_qemu(),
        "-cpu",
        cpu,
        "-plugin",
        ",".join(opt),
        *_guest_env_options(env),
        "-0",
        guest_argv[0],
        program,
        *guest_argv[1:],
    ]


def _which(name: str, env: Mapping[str, str] | None, cwd: str | None) -> str | None:
    path_var = (os.environ if env is None else env).get("PATH", os.defpath)
    for d in path_var.split(os.pathsep):
        cand = os.path.join(d or ".", name)
        full = cand if os.path.isabs(cand) or cwd is None else os.path.join(cwd, cand)
        if os.path.isfile(full) and os.access(full, os.X_OK):
            return full
    return None


def resolve_program(
    argv: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[str, list[str]]:
    """(the ELF file qemu must load, the guest's argv) for a command.

    A bare name is looked up on ``PATH`` (``env``'s, else this process's) as
    ``execvp`` would. qemu-user loads ELF files only, so a ``#!`` script is
    replaced by its interpreter as the kernel does (``[interp, arg, script,
    ...]``), ``#!/usr/bin/env NAME`` included (``env`` would exec NAME, which
    the plugin forbids): NAME is looked up on PATH instead.
    """
    cwd_s = None if cwd is None else os.fspath(cwd)
    guest = [str(a) for a in argv]
    for _ in range(4):  # the kernel follows at most a few interpreter levels too
        prog = guest[0]
        if "/" not in prog:
            found = _which(prog, env, cwd_s)
            if found is None:
                raise CandidateError(
                    f"command not found: {prog!r}",
                    errno=errno_mod.ENOENT,
                    hint="check the program name and PATH",
                )
            path = found
        else:
            path = prog if os.path.isabs(prog) or cwd_s is None else os.path.join(cwd_s, prog)
        try:
            with open(path, "rb") as f:
                head = f.read(256)
        except OSError:
            return path, guest  # qemu reports it (no such file, permission denied, ...)
        if not head.startswith(b"#!"):
            return path, guest
        line = head[2:].split(b"\n", 1)[0].decode("utf-8", "surrogateescape").strip()
        parts = line.split(None, 1)
        if not parts:
            return path, guest
        interp = parts[0]
        rest = parts[1].split() if len(parts) > 1 else []
        if os.path.basename(interp) == "env" and rest:
            if rest[0] == "-S":
                rest = rest[1:]
            if rest and not rest[0].startswith("-") and "=" not in rest[0]:
                interp, rest = rest[0], rest[1:]
        elif len(parts) > 1:
            rest = [parts[1]]  # the kernel passes the rest of the line as one argument
        guest = [interp, *rest, path, *guest[1:]]
    raise CandidateError(f"too many levels of #! interpreters for {argv[0]!r}")


# ---------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class Record:
    """One measured process's report, as the plugin wrote it (authenticated).

    ``id``/``parent`` identify the process in its tree (``0`` for the armed
    one); ``nth`` is which child of its parent it is; ``insns`` its
    instructions from arm (or fork) to exit; ``forks`` how many children it
    forked; ``threads`` how many threads it ran (itself included); ``rearm``
    how many arm markers it issued after the first (ignored); ``budget`` the
    instruction budget it ran under (0: none); ``end`` is ``exit`` (``code``
    is the status), ``exec`` (killed at execve), ``budget`` (killed once its
    count was over the budget) or ``signal``; ``mode`` how it was counted
    (``inline``, ``percpu`` after a second thread on qemu < 9, ``scoreboard``).
    """

    seq: int
    tag: int
    id: int
    parent: int
    nth: int
    pid: int
    ppid: int
    insns: int
    forks: int
    threads: int
    rearm: int
    budget: int
    end: str
    code: int
    mode: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _bad(what: str, line: bytes) -> CandidateError:
    shown = line[:120].decode("utf-8", "replace")
    return CandidateError(
        f"the qemu report channel holds {what}: {shown!r}; records are written only by "
        "perfcount's plugin, so the measured program wrote into the report fd and its "
        "count cannot be trusted",
        hint="the program must not write to file descriptors it did not open",
    )


def parse_records(
    data: bytes, key: bytes, seen: set[tuple[int, int, int]] | None = None
) -> list[Record]:
    """Verify and parse complete record lines (``data`` ends with a newline).

    Raises :class:`CandidateError` for a line that is not a record, a record
    whose MAC does not verify under ``key`` (forged or altered), and a record
    seen before (same tag, process id and sequence number: replayed), adding
    to ``seen`` across calls.
    """
    seen = set() if seen is None else seen
    out: list[Record] = []
    if data and not data.endswith(b"\n"):
        raise _bad("an unterminated line", data.rsplit(b"\n", 1)[-1])
    for line in data.split(b"\n")[:-1] if data else []:
        if len(line) > _MAX_LINE:
            raise _bad("an overlong line", line)
        body, sep, mac = line.rpartition(b" mac=")
        m = _RECORD.fullmatch(body) if sep else None
        if m is None or not _MAC.fullmatch(mac):
            raise _bad("a line that is not a record", line)
        want = hmac.new(key, body, "sha256").hexdigest().encode()
        if not hmac.compare_digest(want, mac):
            raise _bad("a record whose MAC does not verify (forged or altered)", line)
        g = m.groupdict()
        rec = Record(
            seq=int(g["seq"]),
            tag=int(g["tag"]),
            id=int(g["id"], 16),
            parent=int(g["parent"], 16),
            nth=int(g["nth"]),
            pid=int(g["pid"]),
            ppid=int(g["ppid"]),
            insns=int(g["insns"]),
            forks=int(g["forks"]),
            threads=int(g["threads"]),
            rearm=int(g["rearm"]),
            budget=int(g["budget"]),
            end=g["end"].decode(),
            code=int(g["code"]),
            mode=g["mode"].decode(),
        )
        ident = (rec.tag, rec.id, rec.seq)
        if ident in seen:
            raise _bad("a duplicate record (replayed)", line)
        seen.add(ident)
        out.append(rec)
    return out


class Channel:
    """One run's key and report file: what the plugin needs, and what it wrote.

    The key (32 random bytes) reaches each qemu process through a pipe
    (:meth:`key_fd`) that the plugin reads at start-up and closes. Records are
    appended (``O_APPEND``, one ``write`` each, so they never interleave) to an
    unlinked temporary file whose write end is :attr:`write_fd`; :meth:`read`
    verifies what was added since the last call. Use as a context manager.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.key = secrets.token_bytes(KEY_BYTES)
        fd, name = tempfile.mkstemp(prefix="perfcount-qemu-", dir=directory)
        try:
            self.write_fd = os.open(name, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        except OSError:
            os.close(fd)
            raise
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
        self._fd = fd
        self._offset = 0
        self._partial = b""
        self._seen: set[tuple[int, int, int]] = set()

    def key_fd(self) -> int:
        """A new pipe's read end holding the key (close-on-exec; the caller passes and closes it)."""
        r, w = os.pipe()
        try:
            os.write(w, self.key)
        except OSError:
            os.close(r)
            raise
        finally:
            os.close(w)
        return r

    def read(self, *, final: bool = False) -> list[Record]:
        """Verified records appended since the last call.

        A trailing incomplete line is kept for the next call (a record may be
        being written); with ``final=True`` (nothing writes any more) it is an
        error like any other line that is not a record.
        """
        chunks = [self._partial]
        while True:
            chunk = os.pread(self._fd, 1 << 20, self._offset)
            if not chunk:
                break
            self._offset += len(chunk)
            chunks.append(chunk)
        data = b"".join(chunks)
        cut = data.rfind(b"\n") + 1
        data, self._partial = data[:cut], data[cut:]
        if final and self._partial:
            raise _bad("an unterminated line", self._partial)
        return parse_records(data, self.key, self._seen)

    def raw(self) -> bytes:
        """Everything the report file holds, unverified (for diagnostics and tests)."""
        chunks = []
        offset = 0
        while chunk := os.pread(self._fd, 1 << 20, offset):
            chunks.append(chunk)
            offset += len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        for fd in (self.write_fd, self._fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.write_fd = self._fd = -1

    def __enter__(self) -> Channel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class Tree:
    """The records of one measured process tree, checked and summed.

    ``instructions`` is the sum over every record; ``problems`` says why the
    sum is not the tree's whole count (no record from the root, a child that
    left none, an exec that was killed). ``processes`` are the records, root
    first.
    """

    tag: int
    processes: tuple[Record, ...]
    instructions: int
    problems: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def root(self) -> Record | None:
        return next((r for r in self.processes if r.id == 0), None)

    @property
    def rearm(self) -> int:
        """Arm markers issued after the first, over the whole tree (ignored, but suspicious)."""
        return sum(r.rearm for r in self.processes)

    @property
    def stopped(self) -> bool:
        """Whether the plugin stopped a process of the tree at its instruction budget."""
        return any(r.end == "budget" for r in self.processes)


def tree(records: Iterable[Record], tag: int = 0) -> Tree:
    """Check and sum the records of the tree armed with ``tag``.

    Complete means: the armed process (id 0) reported, every other record's
    parent reported, every process has a record from each of the children it
    forked (``forks``), and nobody was killed at execve.
    """
    mine = [r for r in records if r.tag == tag]
    mine.sort(key=lambda r: (r.id != 0, r.pid))
    problems: list[str] = []
    ids = {r.id for r in mine}
    root = next((r for r in mine if r.id == 0), None)
    if root is None:
        problems.append(
            "the measured process left no record (killed by a signal, or it closed its report fd)"
        )
    kids: dict[int, list[Record]] = {}
    for r in mine:
        if r.id != 0:
            kids.setdefault(r.parent, []).append(r)
            if r.parent not in ids:
                problems.append(f"the parent of pid {r.pid} left no record")
        if r.end == "exec":
            problems.append(
                f"pid {r.pid} called execve, and was killed: qemu-user would run the new "
                "program natively, uncounted (count the final program directly)"
            )
    for r in mine:
        got = kids.get(r.id, [])
        if len({k.nth for k in got}) != len(got) or len(got) > r.forks:
            problems.append(f"pid {r.pid} has more child records than the {r.forks} it forked")
        elif len(got) < r.forks:
            problems.append(
                f"{r.forks - len(got)} of the {r.forks} process(es) forked by pid {r.pid} "
                "left no record (killed, still running when the command ended, or closed "
                "their report fd)"
            )
    return Tree(
        tag=tag,
        processes=tuple(mine),
        instructions=sum(r.insns for r in mine),
        problems=tuple(problems),
    )


# ---------------------------------------------------------------------------
# the harness side


@functools.cache
def prepare_arm() -> Any:
    """Resolve libc's ``syscall(2)`` for :func:`arm` (ctypes; a few ms, once per process).

    A fork server calls this before it forks, so that the children's arm is
    cheap; it issues nothing (an arm in the server would measure the server).
    """
    fn = ctypes.CDLL(None, use_errno=True).syscall
    fn.restype = ctypes.c_long
    fn.argtypes = [ctypes.c_long, ctypes.c_ulong, ctypes.c_ulong]
    return fn


def arm(tag: int = 0, budget: int = NO_BUDGET) -> None:
    """Issue the arm marker: from here on this process (and what it forks) is measured.

    Under qemu with perfcount's plugin (``arm=marker``) the first arm of a
    process resets its count to 0, labels its record with ``tag`` and sets
    its instruction ``budget`` (each measured process that runs more is
    killed, its record saying ``end=budget``; :data:`NO_BUDGET`: none); any
    later arm is ignored and counted in ``rearm``. Elsewhere it is a syscall
    that fails with ENOSYS and does nothing. Call it as the last thing before
    the measured code (the fork server's child does).
    """
    if isinstance(tag, bool) or not isinstance(tag, int) or not 0 <= tag < 1 << 63:
        raise InvalidArgument(f"tag must be an int in [0, 2**63), got {tag!r}")
    if isinstance(budget, bool) or not isinstance(budget, int) or not 0 < budget <= NO_BUDGET:
        raise InvalidArgument(f"budget must be an int in [1, NO_BUDGET], got {budget!r}")
    prepare_arm()(ARM_SYSCALL, tag, budget)


# ---------------------------------------------------------------------------
# regions of this process (the user's own, trusted code)

_NO_ANSWER = (1 << 64) - 1  # what the buffer holds when nothing answered


class _RegionBuffer(threading.local):
    """A per-thread ``uint64_t`` the plugin writes the count into (threads read concurrently).

    The syscall's arguments are ctypes objects built once (no conversion per
    call: a read costs ~4k guest instructions, calibrated out by ``measure``).
    """

    def __init__(self) -> None:
        self.buf = ctypes.c_uint64(_NO_ANSWER)
        self.args = (
            ctypes.c_long(REGION_SYSCALL),
            ctypes.c_long(REGION_READ),
            ctypes.c_void_p(ctypes.addressof(self.buf)),
        )


_region_buffer = _RegionBuffer()


@functools.cache
def _region_syscall() -> Any:
    fn = ctypes.CDLL(None).syscall
    fn.restype = ctypes.c_long
    return fn


NOT_UNDER_QEMU = (
    "this Python does not run under qemu-x86_64 with perfcount's plugin in regions mode"
)
UNDER_QEMU_HINT = (
    "run the tests as `python -m perfcount pytest ARGS` (or `pytest --perfcount "
    "--perfcount-backend qemu`, which re-runs itself under qemu); any script: "
    "`qemu-x86_64 -cpu " + CPU_MODEL + " -plugin <perfcount>/_qemu_plugin.so,regions=on "
    "<python> script.py`; or count a whole candidate with perfcount.profile(..., backend='qemu')"
)


def region_count() -> int:
    """This process's running guest-instruction count (every thread), from the plugin.

    Monotonic: a region is two reads subtracted. Raises :class:`BackendError`
    when nothing answers (not under qemu, or qemu without ``regions=on``).
    """
    r = _region_buffer
    buf = r.buf
    buf.value = _NO_ANSWER
    _region_syscall()(*r.args)
    value = buf.value
    if value == _NO_ANSWER:
        raise BackendError(NOT_UNDER_QEMU, hint=UNDER_QEMU_HINT)
    return value


@functools.cache
def running_regions() -> bool:
    """Whether this process runs under qemu with perfcount's plugin answering region reads.

    Never asked under valgrind (which would warn about the unknown syscall);
    elsewhere the marker is an unknown syscall that fails with ENOSYS.
    """
    try:
        from perfcount import _native

        if _native.running_on_valgrind():
            return False
    except ImportError:
        pass
    try:
        region_count()
    except BackendError:
        return False
    return True


def python_argv(
    args: Sequence[str],
    *,
    python: str | None = None,
    cpu: str = CPU_MODEL,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """argv running ``python ARGS`` under qemu with the plugin in regions mode.

    Started with :func:`python_env` of the same ``env``.

    ``regions=on`` alone: no report channel and no arm (nothing is measured
    from outside); the process reads its own regions. Raises
    :class:`BackendError` when qemu or the plugin is missing here.
    """
    qemu, plugin = check_available()
    program, guest = resolve_program([python or sys.executable, *args])
    return [
        *no_aslr(),
        qemu,
        "-cpu",
        cpu,
        "-plugin",
        _plugin_value(str(plugin)) + ",regions=on",
        *_guest_env_options(env),
        "-0",
        guest[0],
        program,
        *guest[1:],
    ]


def python_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a Python re-run under qemu: :func:`guest_env`, a fixed hash seed.

    ``PYTHONHASHSEED`` is set to 0 unless the caller set one (string hashing
    changes dict and set layouts, and with them counts, from run to run);
    :data:`REEXEC_ENV` marks the re-run so that a plugin that does not answer
    is reported instead of re-running again.
    """
    out = guest_env(env)
    out.setdefault("PYTHONHASHSEED", "0")
    out[REEXEC_ENV] = "1"
    return out
