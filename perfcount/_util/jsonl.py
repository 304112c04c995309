"""Reading JSON Lines with errors that name ``file:line``.

Datasets, pools, samples and results are all JSONL; every reader goes through
:func:`iter_jsonl`, so a broken line is reported the same way everywhere: a
:class:`perfcount.errors.DatasetError` with the path, the line number and what
is wrong (not UTF-8, not JSON), never a traceback from the json module.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from typing import IO, Any

from perfcount.errors import DatasetError

__all__ = ["iter_jsonl", "open_binary", "parse_line"]


def open_binary(path: str | os.PathLike[str], what: str = "JSONL file") -> IO[bytes]:
    """``path`` opened for reading bytes (``.gz`` decompressed); missing or a folder → DatasetError."""
    where = str(path)
    try:
        if where.endswith(".gz"):
            return gzip.open(where, "rb")
        return open(where, "rb")
    except FileNotFoundError:
        raise DatasetError(f"{what} not found", path=where) from None
    except IsADirectoryError:
        raise DatasetError(f"is a directory, not a {what}", path=where) from None


def parse_line(raw: bytes | str, path: str, lineno: int) -> Any:
    """One JSON value from one line, or a DatasetError naming ``path:lineno``."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DatasetError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path, line=lineno
            ) from None
    try:
        return json.loads(raw.rstrip("\r\n"))  # columns then count within this line
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"not valid JSON ({exc.msg} at column {exc.colno})", path=path, line=lineno
        ) from None
    except RecursionError:
        raise DatasetError("JSON nested too deeply", path=path, line=lineno) from None


def iter_jsonl(path: str | os.PathLike[str], what: str = "JSONL file") -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for every non-blank line of ``path``."""
    where = str(path)
    with open_binary(path, what) as fh:
        try:
            for lineno, raw in enumerate(fh, 1):
                if raw.strip():
                    yield lineno, parse_line(raw, where, lineno)
        except (OSError, EOFError) as exc:  # a corrupt .gz stream
            raise DatasetError(f"cannot read the file ({exc})", path=where) from None
