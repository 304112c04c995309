"""The evaluation results file: JSONL written incrementally, read back, resumed.

Layout (one JSON object per line, ``kind`` says which)::

    {"kind": "header", "format": "perfcount-results", "format_version": 1, ...}
    {"kind": "sample", "task_id": "a", ...}      # one per sample of task a
    {"kind": "task",   "task_id": "a", ...}      # closes task a
    {"kind": "sample", "task_id": "b", ...}
    ...

The header records what must match before a file may be continued
(:data:`MUST_MATCH`: the dataset, backend, metric, the evaluation config and
a hash of the samples) plus the perfcount version and the machine
description, which are recorded but may differ.

Crash safety: the header is written to a temporary file, fsync'd and renamed
into place, so it is whole or absent (a torn header from an older version is
detected and started afresh). All lines of one task (its samples and its
closing task line) are appended with ONE ``os.write`` on an ``O_APPEND``
descriptor and then ``fsync``'d, so a run killed at any point leaves complete
tasks followed by at most one torn group. A task is finished iff its task line is present.
On resume everything after the last complete task line (a torn line, or
sample lines whose task line never made it) is reported and truncated away,
then the run continues with the missing tasks.

Format history: version 1 (perfcount 0.1) — first version.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfcount._util.atomic import write_atomic
from perfcount._util.jsonl import parse_line
from perfcount.errors import DatasetError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MUST_MATCH",
    "ResultsData",
    "ResultsWriter",
    "incompatibilities",
    "read_results",
]

FORMAT = "perfcount-results"
FORMAT_VERSION = 1

# header fields that must be equal before a results file may be resumed
MUST_MATCH = ("dataset", "backend", "metric", "config", "samples_sha256")


@dataclass
class ResultsData:
    """A results file read back: header, complete task groups, and what was wrong."""

    path: str
    header: dict[str, Any]
    samples: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    # human-readable notes about repaired/ignored trailing data
    notes: list[str] = field(default_factory=list)
    # byte offset just after the last complete task line (or the header)
    good_end: int = 0
    size: int = 0

    @property
    def done(self) -> set[str]:
        return {t["task_id"] for t in self.tasks}


def _parse_line(raw: bytes, path: str, lineno: int) -> dict[str, Any]:
    obj = parse_line(raw, path, lineno)
    if not isinstance(obj, dict) or obj.get("kind") not in ("header", "sample", "task"):
        raise DatasetError(
            "not a perfcount results line (expected an object with kind header/sample/task)",
            path=path,
            line=lineno,
        )
    return obj


def read_results(path: str | os.PathLike[str]) -> ResultsData:
    """Read a results file; a torn or incomplete trailing task group is noted, not fatal.

    Corruption anywhere before the last complete task line raises
    ``DatasetError`` with ``file:line``, since it cannot come from an
    interrupted append.
    """
    p = str(path)
    try:
        blob = Path(p).read_bytes()
    except FileNotFoundError:
        raise DatasetError("results file not found", path=p) from None
    if not blob:
        raise DatasetError("empty results file (no header line)", path=p)
    lines = blob.split(b"\n")
    # lines[-1] is b"" when the file ends with a newline, else a torn fragment
    complete, fragment = lines[:-1], lines[-1]
    offsets = []
    pos = 0
    for raw in complete:
        pos += len(raw) + 1
        offsets.append(pos)
    parsed: list[dict[str, Any] | None] = []
    first_bad: int | None = None
    for i, raw in enumerate(complete):
        try:
            parsed.append(_parse_line(raw, p, i + 1))
        except DatasetError:
            if first_bad is None:
                first_bad = i
            parsed.append(None)
    if not parsed or parsed[0] is None or parsed[0].get("kind") != "header":
        raise DatasetError(
            "first line is not a perfcount results header",
            path=p,
            line=1,
            hint="is this a results file written by `perfcount evaluate`?",
        )
    header = parsed[0]
    if header.get("format") != FORMAT:
        raise DatasetError(f"format is {header.get('format')!r}, not {FORMAT!r}", path=p, line=1)
    if int(header.get("format_version", 0)) > FORMAT_VERSION:
        raise DatasetError(
            f"format_version {header.get('format_version')} is newer than this perfcount "
            f"understands ({FORMAT_VERSION})",
            path=p,
            line=1,
            hint="upgrade perfcount",
        )
    # last complete task line
    last_task = 0
    for i, obj in enumerate(parsed):
        if obj is not None and obj["kind"] == "task":
            last_task = i
    if first_bad is not None and first_bad < last_task:
        # re-raise the real error for that line
        _parse_line(complete[first_bad], p, first_bad + 1)
    data = ResultsData(path=p, header=header, size=len(blob), good_end=offsets[last_task])
    pending: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i in range(1, last_task + 1):
        obj = parsed[i]
        assert obj is not None
        if obj["kind"] == "header":
            raise DatasetError("a second header line", path=p, line=i + 1)
        if obj["kind"] == "sample":
            pending.append(obj)
            continue
        tid = obj.get("task_id")
        if not isinstance(tid, str):
            raise DatasetError("task line without a task_id", path=p, line=i + 1)
        if tid in seen:
            # written twice (e.g. a retried distributed task): the first one counts
            data.notes.append(f"{p}:{i + 1}: task {tid!r} appears again; kept the first")
            pending = []
            continue
        seen.add(tid)
        stray = [s for s in pending if s.get("task_id") != tid]
        if stray:
            raise DatasetError(
                f"sample line for task {stray[0].get('task_id')!r} inside the group of {tid!r}",
                path=p,
                line=i + 1,
            )
        data.samples.extend(pending)
        data.tasks.append(obj)
        pending = []
    trailing = len(blob) - data.good_end
    if trailing:
        n_lines = len(complete) - (last_task + 1) + (1 if fragment else 0)
        why = "a torn last line" if fragment or first_bad is not None else "an unfinished task"
        data.notes.append(
            f"{p}:{last_task + 2}: {trailing} trailing bytes ({n_lines} line(s), {why}) "
            "after the last complete task are not part of the results"
        )
    return data


def incompatibilities(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Header fields in ``MUST_MATCH`` that differ, as readable ``field: old != new``."""
    out = []
    for key in MUST_MATCH:
        if old.get(key) != new.get(key):
            out.append(f"{key}: {_short(old.get(key))} != {_short(new.get(key))}")
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _torn_header(path: str) -> bool:
    """A file holding nothing but the start of a results header line (no newline yet)."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    return b"\n" not in head and head.startswith(b'{"kind": "header"'[: len(head)])


def _remove_stale_temps(path: str) -> None:
    """Header temp files of writers killed before their rename (their pid is gone)."""
    folder = Path(path).parent
    prefix = Path(path).name + ".tmp-"
    for tmp in folder.glob(glob.escape(prefix) + "*"):
        pid = tmp.name[len(prefix) :]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            with contextlib.suppress(OSError):
                tmp.unlink()


class ResultsWriter:
    """Appends whole task groups to a results file, atomically per task.

    ``resume=True`` continues a compatible existing file (repairing a torn
    tail); a file from a different run (see ``MUST_MATCH``) is refused.
    ``resume=False`` refuses an existing file unless ``overwrite=True``.
    Task ids already written are skipped (``write_task`` returns False), so a
    retried task is never written twice.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        header: Mapping[str, Any],
        *,
        resume: bool = True,
        overwrite: bool = False,
    ) -> None:
        self.path = str(path)
        self.header = dict(header)
        self.notes: list[str] = []
        self.previous: ResultsData | None = None
        self._done: set[str] = set()
        exists = os.path.exists(self.path) and os.path.getsize(self.path) > 0
        if exists and resume and _torn_header(self.path):
            # killed while an older perfcount wrote the header: nothing to keep
            self.notes.append(f"{self.path}: only a torn header line; started afresh")
            exists, overwrite = False, True
        if exists and resume:
            old = read_results(self.path)
            problems = incompatibilities(old.header, self.header)
            if problems:
                raise DatasetError(
                    "results file belongs to a different run and cannot be resumed ("
                    + "; ".join(problems)
                    + ")",
                    path=self.path,
                    hint="choose another output file (-o), or pass --overwrite to replace it",
                )
            if old.good_end < old.size:
                self.notes.extend(old.notes)
                self.notes.append(f"{self.path}: truncated to {old.good_end} bytes before resuming")
                os.truncate(self.path, old.good_end)
            else:
                self.notes.extend(old.notes)
            self.previous = old
            self._done = old.done
            self.header = old.header
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
            return
        if exists and not overwrite:
            raise DatasetError(
                "results file already exists",
                path=self.path,
                hint="resume it (drop --no-resume), choose another output file (-o), "
                "or pass --overwrite to replace it",
            )
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        header_line = {"kind": "header", "format": FORMAT, "format_version": FORMAT_VERSION}
        header_line.update(self.header)
        self.header = header_line
        # the header goes in whole or not at all: written to a temporary file,
        # fsync'd and renamed over the target (a kill leaves no torn header)
        _remove_stale_temps(self.path)
        write_atomic(
            self.path,
            json.dumps(header_line, allow_nan=False) + "\n",
            temp=f"{self.path}.tmp-{os.getpid()}",
        )
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)

    @property
    def done(self) -> set[str]:
        """Task ids whose task line is in the file."""
        return set(self._done)

    def _append(self, objs: Iterable[Mapping[str, Any]]) -> None:
        data = "".join(json.dumps(o, allow_nan=False) + "\n" for o in objs).encode()
        view = memoryview(data)
        # one write for a regular file; the loop only guards against a short write
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        os.fsync(self._fd)

    def write_task(self, lines: list[Mapping[str, Any]]) -> bool:
        """Append one task group (its sample lines then its task line); False if already there."""
        if not lines or lines[-1].get("kind") != "task":
            raise ValueError("a task group must end with its task line")
        tid = lines[-1]["task_id"]
        if tid in self._done:
            return False
        self._append(lines)
        self._done.add(tid)
        return True

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
