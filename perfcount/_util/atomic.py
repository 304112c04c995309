"""Writing a file so that readers see the old or the new content, never a torn one.

The data goes to a temporary file in the target's folder, is flushed and
``fsync``'d, gets its final mode, and is renamed over the target; the folder
is ``fsync``'d too, so a crash (or ``kill -9``) at any point leaves either file
whole. A failed write removes its temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["fsync_dir", "write_atomic"]


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Make a rename in ``path``'s folder durable (best effort: not every filesystem allows it)."""
    try:
        fd = os.open(os.path.dirname(os.path.abspath(path)) or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    mode: int = 0o644,
    durable: bool = True,
    temp: str | os.PathLike[str] | None = None,
) -> Path:
    """Replace ``path`` with ``data`` atomically (str is written as UTF-8); returns the path.

    ``temp`` names the temporary file (in the same folder) for callers that
    clean up the temporaries of killed writers by name; by default it is unique.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if temp is None:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    else:
        tmp = os.fspath(temp)
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600
        )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(target)
    return target
