"""Everything perfcount knows about callgrind, in one place.

- how valgrind is started: :func:`server_argv` (a fork server whose children
  switch instrumentation on around their calls) and :func:`tree_argv` (a whole
  process tree, ``--trace-children=yes``), both with address-space
  randomisation off (``setarch -R``) so that repeated runs count the same;
- how a dump is read: :func:`dump_totals` and :func:`dump_label` (the
  ``totals:`` line is callgrind's ``Ir``; ``summary:`` is unreliable in
  valgrind 3.19), :func:`read_labelled_dumps` for a fork server's children and
  :func:`read_own_dump` for a region in a process that runs under callgrind;
- :data:`TIMEOUT_FACTOR`: how much longer code takes under callgrind.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import stat
from collections.abc import Sequence
from pathlib import Path

from perfcount.errors import BackendError

__all__ = [
    "INSTALL_HINT",
    "TIMEOUT_FACTOR",
    "dump_label",
    "dump_totals",
    "no_aslr",
    "read_dump_file",
    "read_labelled_dumps",
    "read_own_dump",
    "require_valgrind",
    "server_argv",
    "tree_argv",
]

#: Under callgrind, instrumented code runs ~50-100x and un-instrumented code ~8x
#: slower than natively (MEASUREMENT-FACTS.md). A timeout given in native
#: seconds is multiplied by this factor for the valgrind backend.
TIMEOUT_FACTOR = 50.0

INSTALL_HINT = "apt-get install -y valgrind (or use backend='software')"

_TOTALS = re.compile(rb"^totals:\s+(\d+)", re.M)
_DESC = re.compile(rb"^desc: Trigger: Client Request: (.*)$", re.M)


def require_valgrind() -> str:
    """The path of ``valgrind``, or a :class:`BackendError` naming the install command."""
    path = shutil.which("valgrind")
    if path is None:
        raise BackendError("valgrind is not installed", hint=INSTALL_HINT)
    return path


def no_aslr() -> list[str]:
    """``setarch -R`` when available: fixed addresses make callgrind counts repeatable."""
    setarch = shutil.which("setarch")
    return [setarch, os.uname().machine, "-R"] if setarch else []


def server_argv(out_dir: Path, log_dir: Path, argv: Sequence[str]) -> list[str]:
    """``argv`` (a fork server) under callgrind with instrumentation off until a child asks."""
    return [
        *no_aslr(),
        require_valgrind(),
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out_dir}/cg.%p",
        "--dump-instr=no",
        "--dump-line=no",
        f"--log-file={log_dir}/valgrind.%p.log",
        *argv,
    ]


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


def read_labelled_dumps(out_dir: Path, pid: int, label: str) -> list[int]:
    """``totals:`` of every dump of ``pid`` labelled ``label``, in dump order; removes that pid's files."""
    found: list[tuple[int, int]] = []
    want = label.encode()
    for f in out_dir.glob(f"cg.{pid}*"):
        name = f.name
        if name != f"cg.{pid}" and not name.startswith(f"cg.{pid}."):
            continue
        try:
            data = read_dump_file(f)
        finally:
            with contextlib.suppress(OSError):
                f.unlink()
        if data is None:
            continue
        totals = dump_totals(data)
        if totals and dump_label(data) == want:
            part = name.rsplit(".", 1)[-1] if name.count(".") >= 2 else "0"
            found.append((int(part) if part.isdigit() else 0, totals[0]))
    return [t for _, t in sorted(found)]


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
