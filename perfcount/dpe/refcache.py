"""On-disk cache of reference costs re-measured on this machine.

DPE compares a candidate with the task's references measured on the *same*
machine with the *same* backend. Re-profiling references is the expensive
part of scoring, so each measured reference cost is kept in a small JSON file
under ``$PERFCOUNT_CACHE_DIR`` (default ``~/.cache/perfcount``)::

    <cache>/references/<task-id-slug>-<key hash>.json

keyed by dataset name + version, task id, machine fingerprint, backend and
perfcount version, plus a hash of the task's entry point, reference sources and
workload (so a dataset edited without a version bump never reuses stale
costs). Only successful measurements are stored; a reference that failed is
measured again next time. Writes are atomic (temporary file + rename) and
merged under an advisory lock, so concurrent evaluations sharing a cache
directory never lose each other's entries.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from perfcount._util.atomic import write_atomic

__all__ = ["ReferenceCache", "cache_dir"]

CACHE_FORMAT_VERSION = 1


def cache_dir() -> Path:
    """``$PERFCOUNT_CACHE_DIR`` or ``$XDG_CACHE_HOME/perfcount`` or ``~/.cache/perfcount``."""
    env = os.environ.get("PERFCOUNT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "perfcount"


def content_hash(obj: Any) -> str:
    """sha256 of the canonical JSON of ``obj`` (sorted keys, no spaces)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class ReferenceCache:
    """Reference costs of one task on one machine with one backend.

    ``key`` is a mapping of what the costs depend on (see module docstring).
    ``get(i)`` returns the stored entry for reference ``i`` (``{"cost": ...,
    "metric": ..., ...}``) or None; ``put(i, entry)`` stores it. ``hits`` and
    ``misses`` count lookups, which lets callers and tests see that a second
    evaluation did not re-profile. ``enabled=False`` keeps everything in memory.
    """

    def __init__(
        self,
        key: Mapping[str, Any],
        *,
        directory: str | os.PathLike[str] | None = None,
        enabled: bool = True,
    ) -> None:
        self.key = dict(key)
        self.enabled = enabled
        self.hits = 0
        self.misses = 0
        self.problem: str | None = None
        digest = content_hash(self.key)[:20]
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(self.key.get("task_id", "task")))[:60]
        self.path = (
            (Path(directory) if directory is not None else cache_dir())
            / "references"
            / f"{slug}-{digest}.json"
        )
        self._entries: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return  # absent or unreadable: start empty (it is only a cache)
        if (
            isinstance(data, dict)
            and data.get("format_version") == CACHE_FORMAT_VERSION
            and data.get("key") == self.key
        ):
            self._entries = dict(data.get("references", {}))
            self._extra = dict(data.get("extra", {}))

    def get(self, index: int) -> dict[str, Any] | None:
        entry = self._entries.get(str(index))
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, index: int, entry: Mapping[str, Any]) -> None:
        self._entries[str(index)] = dict(entry)
        self._save()

    def get_extra(self, name: str) -> Any:
        """Other per-task data derived from the references (e.g. expected outputs)."""
        return self._extra.get(name)

    def put_extra(self, name: str, value: Any) -> None:
        self._extra[name] = value
        self._save()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _save(self) -> None:
        if not self.enabled:
            return
        try:
            with self._locked():
                # merge entries another process may have written meanwhile
                mine_entries, mine_extra = self._entries, self._extra
                self._entries, self._extra = {}, {}
                self._load()
                self._entries.update(mine_entries)
                self._extra.update(mine_extra)
                payload = {
                    "format_version": CACHE_FORMAT_VERSION,
                    "key": self.key,
                    "references": self._entries,
                    "extra": self._extra,
                }
                write_atomic(self.path, json.dumps(payload), durable=False)
        except OSError as exc:
            # an unwritable cache directory must not fail an evaluation; say so
            self.enabled = False
            self.problem = f"reference cache disabled ({self.path.parent}): {exc}"
