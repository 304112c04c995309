"""Everything perfcount knows about callgrind, in one place.

- how valgrind is started: :func:`server_argv` (a fork server whose children
  switch instrumentation on for a candidate's whole life; :func:`log_count`
  reads a child's count off valgrind's log) and :func:`tree_argv` (a whole
  process tree, ``--trace-children=yes``), both with address-space
  randomisation off (``setarch -R``) so that repeated runs count the same;
- how a dump is read: :func:`dump_totals` and :func:`dump_label` (the
  ``totals:`` line is callgrind's ``Ir``; ``summary:`` is unreliable in
  valgrind 3.19), :func:`read_own_dump` for a region in a process that runs
  under callgrind;
- :data:`TIMEOUT_FACTOR`: how much longer code takes under callgrind.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Sequence
from pathlib import Path

from perfcount.errors import BackendError

__all__ = [
    "INSTALL_HINT",
    "TIMEOUT_FACTOR",
    "dump_label",
    "dump_totals",
    "log_count",
    "no_aslr",
    "read_dump_file",
    "read_own_dump",
    "require_valgrind",
    "server_argv",
    "tool_label",
    "tree_argv",
    "valgrind_version",
    "version_of",
]

#: Under callgrind, instrumented code runs ~50-100x and un-instrumented code ~8x
#: slower than natively (MEASUREMENT-FACTS.md). A timeout given in native
#: seconds is multiplied by this factor for the valgrind backend.
TIMEOUT_FACTOR = 50.0

INSTALL_HINT = "apt-get install -y valgrind (or use backend='software')"

_TOTALS = re.compile(rb"^totals:\s+(\d+)", re.M)
_DESC = re.compile(rb"^desc: Trigger: Client Request: (.*)$", re.M)


#: names the valgrind to run (a path, or a name looked up on PATH) instead of the
#: ``valgrind`` on PATH: e.g. a newer one for the cachegrind backend (>= 3.22) where the
#: system's is older
VALGRIND_ENV = "PERFCOUNT_VALGRIND"


def require_valgrind() -> str:
    """The path of valgrind (``$PERFCOUNT_VALGRIND``, else ``valgrind`` on PATH).

    Raises a :class:`BackendError` naming the install command, or the bad setting.
    """
    chosen = os.environ.get(VALGRIND_ENV)
    if chosen:
        path = shutil.which(chosen)
        if path is None:
            raise BackendError(
                f"{VALGRIND_ENV}={chosen!r} is not an executable valgrind",
                hint=f"point {VALGRIND_ENV} at a valgrind launcher, or unset it to use the "
                "valgrind on PATH",
            )
        return path
    path = shutil.which("valgrind")
    if path is None:
        raise BackendError("valgrind is not installed", hint=INSTALL_HINT)
    return path


_VERSION = re.compile(r"valgrind-(\d+)\.(\d+)(?:\.(\d+))?")


@functools.cache
def version_of(path: str) -> tuple[int, ...] | None:
    """The version of the valgrind at ``path`` (``(3, 19, 0)``), None if it does not say."""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    m = _VERSION.search(done.stdout)
    return tuple(int(g) for g in m.groups() if g is not None) if m else None


def valgrind_version() -> tuple[int, ...] | None:
    """The installed valgrind's version (``(3, 19, 0)``), ``None`` if unknown or absent."""
    try:
        return version_of(require_valgrind())
    except BackendError:
        return None


def tool_label(tool: str) -> str:
    """``"callgrind, valgrind 3.19.0"``: a valgrind tool and the installed valgrind's
    version, what ``Backend.tool`` says for the valgrind backends."""
    found = valgrind_version()
    return f"{tool}, valgrind " + (".".join(map(str, found)) if found else "unknown")


def no_aslr() -> list[str]:
    """``setarch ARCH -R`` when available: the argv prefix that turns address-space
    randomisation off, so that valgrind's and qemu's guests get the same addresses,
    and so the same counts, on every run."""
    setarch = shutil.which("setarch")
    return [setarch, os.uname().machine, "-R"] if setarch else []


def server_argv(log_dir: Path, argv: Sequence[str], *, log_fd: int | None = None) -> list[str]:
    """``argv`` (a fork server) under callgrind with instrumentation off until a child asks.

    Nothing is dumped to a file (``/dev/null``): a child's count is read from
    valgrind's log of that process (``-v``: every client request that changes
    the count is logged, and the total collected at exit), which valgrind
    writes as root, through a descriptor the candidate cannot use. With
    ``log_fd`` every process logs to that descriptor (each line starts with its
    pid): no log file exists, so none can be planted, linked or made a FIFO;
    else to ``log_dir/valgrind.<pid>.log``.
    """
    return [
        *no_aslr(),
        require_valgrind(),
        "--tool=callgrind",
        "-v",
        "--instr-atstart=no",
        "--callgrind-out-file=/dev/null",
        "--dump-instr=no",
        "--dump-line=no",
        f"--log-fd={log_fd}" if log_fd is not None else f"--log-file={log_dir}/valgrind.%p.log",
        *argv,
    ]


_LOG_COLLECTED = re.compile(r"^==(\d+)== Collected : (\d+)\s*$", re.M)
_LOG_SWITCH = re.compile(r"^--(\d+)-- .*instrumentation switched (ON|OFF)", re.M)
_LOG_ZERO = re.compile(r"^--(\d+)--\s+Zeroing costs\.\.\.", re.M)
_LOG_DUMP = re.compile(r"^--(\d+)-- Start dumping at BB (\d+) \((.*)\)\.\.\.", re.M)

#: callgrind counts the basic blocks a process runs whether or not collection is on
#: (``TOGGLE_COLLECT``, the one client request its log does not show, switches only the
#: collection), and every block has at least one instruction: fewer collected
#: instructions than blocks means collection was switched off. Measured on honest
#: candidates: 4.2 (list.sort, bytes methods) to 10.2 (big-int arithmetic) instructions
#: per block, and 1.0 for a large memset (each iteration of a rep-prefixed instruction
#: is a block of one), so nothing above 1 can be told from honest work.
MIN_IR_PER_BB = 1.0
#: blocks run between switching instrumentation on and zeroing the counts (in
#: ``callgrind_begin_candidate``): counted as blocks, not as collected instructions
_BLOCK_SLACK = 1000
_LOG_CLIENT_PRINT = re.compile(r"^\*\*\d+\*\*", re.M)


def log_count(text: str, pid: int, *, began_here: bool) -> tuple[int | None, str, bool]:
    """The instructions one process of a candidate ran, from valgrind's log of it.

    ``began_here``: the process in which the harness switched the count on
    (once, then zeroed); every other process is one the candidate forked (its
    inherited costs zeroed once, at the fork). Returns ``(count, "", False)``,
    or ``(None, why, True)`` when the log shows the count was tampered with —
    the candidate zeroed, dumped or switched its count, printed into valgrind's
    log, or ran far more basic blocks than its instructions allow
    (:data:`MIN_IR_PER_BB`: collection toggled off) — or ``(None, why, False)`` when the process did not end under valgrind
    (it was killed, or exec'd a program callgrind does not follow).
    """
    own = [m for m in _LOG_COLLECTED.finditer(text) if int(m.group(1)) == pid]
    switches = [m.group(2) for m in _LOG_SWITCH.finditer(text)]
    zeros = len(_LOG_ZERO.findall(text))
    dumps = [m.group(3) for m in _LOG_DUMP.finditer(text)]
    blocks = [int(m.group(2)) for m in _LOG_DUMP.finditer(text)]
    if _LOG_CLIENT_PRINT.search(text):
        return None, "it wrote into valgrind's log (a VALGRIND_PRINTF client request)", True
    expected_switches = ["ON"] if began_here else []
    if switches != expected_switches:
        why = (
            f"it switched callgrind's instrumentation {'/'.join(switches) or 'never'} "
            "(a callgrind client request)"
        )
        return None, why, True
    if zeros > 1 or (began_here and zeros != 1):
        return None, f"it zeroed callgrind's counters ({zeros} times; a client request)", True
    if dumps != ["Prg.Term."] or not own:
        if not own and dumps == []:
            why = (
                f"process {pid} did not end under valgrind (it ran another program, which "
                "callgrind does not follow, or it was killed), so its work was not counted"
            )
            return None, why, False
        return None, f"it dumped callgrind's counters itself ({', '.join(dumps) or 'none'})", True
    if len(own) != 1 or len(_LOG_COLLECTED.findall(text)) != 1:
        return None, "valgrind's log of it holds more than one total", True
    count = int(own[0].group(2))
    if count + _BLOCK_SLACK < MIN_IR_PER_BB * blocks[0]:
        why = (
            f"it ran {blocks[0]:,} basic blocks but only {count:,} instructions were "
            "collected: callgrind's collection was switched off (a TOGGLE_COLLECT client "
            "request)"
        )
        return None, why, True
    return count, "", False


def tree_argv(out_dir: Path, argv: Sequence[str]) -> list[str]:
    """``argv`` and every process it starts under callgrind, one ``cg.<pid>`` dump each."""
    return [
        *no_aslr(),
        require_valgrind(),
        "--tool=callgrind",
        "--trace-children=yes",
        "--quiet",
        f"--callgrind-out-file={out_dir}/cg.%p",
        *argv,
    ]


def dump_totals(data: bytes) -> list[int]:
    """Every ``totals:`` value (instructions) in the bytes of a callgrind dump."""
    return [int(m.group(1)) for m in _TOTALS.finditer(data)]


def dump_label(data: bytes) -> bytes | None:
    """The client-request label of a dump (``desc: Trigger: Client Request: <label>``)."""
    m = _DESC.search(data)
    return m.group(1).strip() if m else None


#: a callgrind dump of one process with --dump-instr=no is a few hundred KiB
MAX_DUMP_BYTES = 64 << 20


def read_dump_file(path: Path, max_bytes: int = MAX_DUMP_BYTES) -> bytes | None:
    """The bytes of a dump, or ``None`` when the name is not a plain regular file.

    A candidate can create files where its dumps are written: a FIFO (which
    would block the reader), a directory, a symlink to ``/dev/zero`` or to a
    file of the evaluator's. So the file is opened without following links and
    without blocking, must be a regular file, and is read up to ``max_bytes``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            return None
        chunks = []
        left = max_bytes
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_own_dump(label: str) -> int:
    """``totals:`` of this process's newest callgrind dump labelled ``label``.

    Dumps are looked for where ``PERFCOUNT_CALLGRIND_OUT`` (the value given to
    ``--callgrind-out-file``, ``%p`` allowed) says, else callgrind's default
    ``callgrind.out.<pid>`` in the current directory.
    """
    pid = os.getpid()
    base = os.environ.get("PERFCOUNT_CALLGRIND_OUT", "callgrind.out.%p").replace("%p", str(pid))
    want = label.encode()
    for path in sorted(glob.glob(glob.escape(base) + ".*"), key=os.path.getmtime, reverse=True):
        data = read_dump_file(Path(path))
        if data is None:
            continue
        totals = dump_totals(data)
        if totals and dump_label(data) == want:
            return totals[0]
    raise BackendError(
        f"no callgrind dump labelled {label!r} found at {base}.*",
        hint="set PERFCOUNT_CALLGRIND_OUT to the value of --callgrind-out-file (%p allowed), "
        "or use perfcount.profile(..., backend='valgrind')",
    )
