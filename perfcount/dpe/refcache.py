"""On-disk cache of reference costs re-measured on this machine, integrity-checked.

DPE compares a candidate with the task's references measured on the *same*
machine with the *same* backend. Re-profiling references is the expensive
part of scoring, so each measured reference cost is kept in a small JSON file
under ``$PERFCOUNT_CACHE_DIR`` (default ``~/.cache/perfcount``)::

    <cache>/hmac.key                                  32 random bytes, mode 0600
    <cache>/references/<task-id-slug>-<key hash>.json

keyed by dataset name + version, task id, machine fingerprint, backend and
perfcount version, plus a hash of the task's entry point, reference sources and
workload (so a dataset edited without a version bump never reuses stale
costs). Only successful measurements are stored; a reference that failed is
measured again next time. Writes are atomic (temporary file + rename) and
merged under an advisory lock, so concurrent evaluations sharing a cache
directory never lose each other's entries.

**Integrity.** A cached cost decides scores, so whoever can rewrite the cache
can set them (a candidate that could write files once turned an honest slow
solution's DPS 0 into 100). Every entry is stored with an HMAC-SHA256 under
a per-user secret key (``hmac.key`` in the cache root, created once,
atomically, mode 0600; the cache folders are created 0700) over its canonical
JSON together with the cache key, its kind and its name, so an entry can be
neither edited nor moved to another task. An entry whose digest is missing or
wrong is treated as absent — measured again — with a warning that names the
file: logged (``perfcount.dpe.refcache``, level WARNING, on stderr when
logging is not configured) and kept in :attr:`ReferenceCache.warnings` (the
evaluation puts it in the task line's ``warnings``). It is logged rather than
a ``warnings.warn``: the cache repairs itself (the failing entries are dropped
from the file at once), there is nothing for the calling code to change, and
``-W error`` must not stop the evaluation that would re-measure them. Files of
format 1 (before digests) are re-measured that way once. A key file that others could read or write, that belongs to another
user, or that is not a plain 32-byte file is refused (:class:`CacheKeyError`).
The key protects the cache from processes that may write files but not read
the key: candidates running under their own uid (SECURITY.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from perfcount._util.atomic import write_atomic
from perfcount.errors import PerfcountError

__all__ = ["KEY_FILE", "CacheKeyError", "ReferenceCache", "cache_dir", "secret_key"]

CACHE_FORMAT_VERSION = 2  # 2: an HMAC per entry; 1: no digests (re-measured)
KEY_FILE = "hmac.key"
KEY_BYTES = 32

log = logging.getLogger("perfcount.dpe.refcache")


class CacheKeyError(PerfcountError):
    """The cache's secret key file is unsafe to use (readable by others, someone else's, ...)."""


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


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) 0700; an existing folder is left as it is."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _read_key(path: Path) -> bytes:
    fix = (
        f"make it a private file of yours (chmod 600 {path}; chown it if needed), or delete "
        "it: a new key is made and the cached costs are measured again"
    )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CacheKeyError(
            f"cannot open the reference cache's key {path}: {exc.strerror}"
            + (" (a symbolic link)" if os.path.islink(path) else ""),
            errno=exc.errno or 0,
            hint=fix,
        ) from None
    try:
        st = os.fstat(fd)
        problem = None
        if not stat.S_ISREG(st.st_mode):
            problem = "is not a regular file"
        elif st.st_uid != os.geteuid():
            problem = f"belongs to uid {st.st_uid}, not to you (uid {os.geteuid()})"
        elif st.st_mode & 0o077:
            problem = (
                f"has mode {stat.S_IMODE(st.st_mode):04o}: other users could read or replace it"
            )
        elif st.st_size != KEY_BYTES:
            problem = f"is {st.st_size} bytes, not {KEY_BYTES} (damaged?)"
        if problem is not None:
            raise CacheKeyError(f"the reference cache's key {path} {problem}", hint=fix)
        data = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) != KEY_BYTES:
        raise CacheKeyError(f"the reference cache's key {path} could not be read whole", hint=fix)
    return data


def secret_key(root: str | os.PathLike[str] | None = None) -> bytes:
    """The per-user key that signs cache entries: ``<root>/hmac.key`` (root: :func:`cache_dir`).

    Created on first use from ``secrets.token_bytes(32)``: written to a
    private temporary file and hard-linked into place, so concurrent first
    uses agree on one key and nobody ever reads a partial one; never replaced.
    Raises :class:`CacheKeyError` for a key file others could read or write,
    owned by someone else, a link, or not 32 bytes; ``OSError`` when the
    folder cannot be written.
    """
    base = Path(root) if root is not None else cache_dir()
    path = base / KEY_FILE
    with contextlib.suppress(FileNotFoundError):
        return _read_key(path)
    _private_dir(base)
    fd, tmp = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=base)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:
            # a filesystem without hard links: create it exclusively (still never replaced)
            with contextlib.suppress(FileExistsError):
                out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
                with os.fdopen(out, "wb") as fh:
                    fh.write(Path(tmp).read_bytes())
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return _read_key(path)


class ReferenceCache:
    """Reference costs of one task on one machine with one backend.

    ``key`` is a mapping of what the costs depend on (see module docstring).
    ``get(i)`` returns the stored entry for reference ``i`` (``{"cost": ...,
    "metric": ..., ...}``) or None; ``put(i, entry)`` stores it. ``hits`` and
    ``misses`` count lookups, which lets callers and tests see that a second
    evaluation did not re-profile. ``warnings`` lists entries that failed
    their integrity check when the file was read (each also warned about);
    ``problem`` says why the cache was disabled, if it was. ``enabled=False``
    keeps everything in memory.
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
        self.warnings: list[str] = []
        digest = content_hash(self.key)[:20]
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(self.key.get("task_id", "task")))[:60]
        self.root = Path(directory) if directory is not None else cache_dir()
        self.path = self.root / "references" / f"{slug}-{digest}.json"
        self._entries: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self._secret = b""
        if enabled:
            try:
                self._secret = secret_key(self.root)
            except OSError as exc:
                # an unwritable cache directory must not fail an evaluation; say so
                self._disable(exc)
                return
            self._entries, self._extra = self._read(warn=True)
            if self.warnings:
                self._save()  # drop what failed from the file: one warning, not one per run

    def _disable(self, exc: OSError) -> None:
        self.enabled = False
        self.problem = f"reference cache disabled ({self.path.parent}): {exc}"

    def _sign(self, kind: str, name: str, value: Any) -> str:
        message = _canonical([CACHE_FORMAT_VERSION, self.key, kind, name, value])
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _verified(self, kind: str, records: Any, field: str) -> tuple[dict[str, Any], list[str]]:
        good: dict[str, Any] = {}
        bad: list[str] = []
        for name, rec in (records or {}).items() if isinstance(records, dict) else ():
            ok = (
                isinstance(rec, dict)
                and field in rec
                and isinstance(rec.get("hmac"), str)
                and hmac.compare_digest(rec["hmac"], self._sign(kind, str(name), rec[field]))
            )
            if ok:
                good[str(name)] = rec[field]
            else:
                bad.append(f"{kind} {name}")
        return good, bad

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("perfcount: %s", message)

    def _read(self, *, warn: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        """The file's entries that pass their integrity check (warning about the others)."""
        try:
            text = self.path.read_text()
        except OSError:
            return {}, {}  # absent or unreadable: start empty (it is only a cache)
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            if warn:
                self._warn(
                    f"reference cache file {self.path} is not a JSON object (damaged or "
                    "tampered with); its references are measured again"
                )
            return {}, {}
        version = data.get("format_version")
        if version == 1:
            if warn:
                self._warn(
                    f"reference cache file {self.path} has no integrity digests (written "
                    "before cache format 2); its references are measured again"
                )
            return {}, {}
        if version != CACHE_FORMAT_VERSION or data.get("key") != self.key:
            return {}, {}  # another format or (a hash collision) another key
        entries, bad = self._verified("reference", data.get("references"), "entry")
        extra, bad_extra = self._verified("extra", data.get("extra"), "value")
        if warn and (bad or bad_extra):
            self._warn(
                f"reference cache file {self.path}: {', '.join(bad + bad_extra)} failed the "
                "integrity check (edited, or signed with another key); measured again"
            )
        return entries, extra

    def get(self, index: int) -> dict[str, Any] | None:
        entry = self._entries.get(str(index))
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, index: int, entry: Mapping[str, Any]) -> None:
        # stored as it reads back (JSON), so what is signed is what is read
        self._entries[str(index)] = json.loads(json.dumps(dict(entry)))
        self._save()

    def get_extra(self, name: str) -> Any:
        """Other per-task data derived from the references (e.g. expected outputs)."""
        return self._extra.get(name)

    def put_extra(self, name: str, value: Any) -> None:
        self._extra[name] = json.loads(json.dumps(value))
        self._save()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        _private_dir(self.path.parent)
        fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
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
                entries, extra = self._read(warn=False)
                entries.update(self._entries)
                extra.update(self._extra)
                self._entries, self._extra = entries, extra
                payload = {
                    "format_version": CACHE_FORMAT_VERSION,
                    "key": self.key,
                    "references": {
                        k: {"entry": v, "hmac": self._sign("reference", k, v)}
                        for k, v in entries.items()
                    },
                    "extra": {
                        k: {"value": v, "hmac": self._sign("extra", k, v)} for k, v in extra.items()
                    },
                }
                write_atomic(self.path, json.dumps(payload), mode=0o600, durable=False)
        except OSError as exc:
            self._disable(exc)
