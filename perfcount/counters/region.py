"""Counting a region of Python code: ``measure()``, ``count()`` and ``Counts``.

A region is two reads of a perf_event counter group that stays open for the
thread (opened on first use, cached per thread and event set, reused), and
their difference. The cost of the measurement itself (an empty region,
minimum of several) is calibrated once per group, subtracted (never below
zero) and reported in ``Counts.overhead``.

Backends: ``"perf"`` opens exactly the events asked for (default
``instructions,cycles,task-clock``); ``"software"`` only software events
(default ``task-clock,page-faults,context-switches``) — the same native path;
``"valgrind"`` works in-process only under ``valgrind --tool=callgrind``
(otherwise use ``perfcount.profile``); ``"qemu"`` only under ``qemu-x86_64``
with perfcount's plugin in regions mode (``python -m perfcount pytest``,
:func:`perfcount.counters.qemu.python_argv`): a region is two reads of the
process's running guest-instruction count (every thread), calibrated like a
group. Both are for the user's own code; candidates are counted from outside.
``"auto"`` is decided by :func:`perfcount.counters.backends.select` with
``in_process=True``: ``perf`` when the hardware ``instructions`` counter opens
here, else ``valgrind`` when this process runs under callgrind, else
``software`` (the reason is kept in ``Counts.backend_reason``).

Groups are opened with ``inherit``: threads started after the group was opened
(in practice: inside the region) are counted too, so work cannot hide in a
thread. A thread's counts are added to the group when it exits (or read live
while it runs), so join the threads you start inside the region.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import os
import statistics
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import wraps
from typing import Any, TypeVar

from perfcount._util import stats, views
from perfcount.counters.callgrind import read_own_dump
from perfcount.errors import BackendError, InvalidArgument, PerfcountError

__all__ = ["CountSummary", "Counts", "count", "measure"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Counts(Mapping[str, float]):
    """Event name -> count for one measured region.

    A mapping (``counts["instructions"]``) with attribute access for names
    (``counts.task_clock`` for ``task-clock``). ``scaled`` names the events whose
    values were estimated from multiplexed counting (value × enabled/running);
    ``not_counted`` names events that never ran (they are absent from the
    mapping rather than reported as 0). ``overhead`` is the calibrated cost of
    the measurement itself that was subtracted (per event). ``gpu`` holds NVML
    metrics when they were asked for, or is ``None`` with ``gpu_reason``.
    ``backend_reason`` says why ``backend="auto"`` chose this backend.
    """

    # named ``data``, not ``values``: the Mapping method ``values()`` must keep working
    data: Mapping[str, float] = field()
    backend: str = field()
    scaled: frozenset[str] = frozenset()
    not_counted: frozenset[str] = frozenset()
    overhead: Mapping[str, float] = field(default_factory=dict)
    gpu: Mapping[str, Any] | None = None
    gpu_reason: str | None = None
    #: why this backend was chosen (set when backend="auto" decided)
    backend_reason: str | None = None

    def __getitem__(self, name: str) -> float:
        return self.data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getattr__(self, attr: str) -> float:
        # dataclass fields are found before __getattr__ is consulted; while
        # unpickling the instance dict is still empty, so only look at a real
        # data mapping
        values = self.__dict__.get("data")
        if attr.startswith("__") or not isinstance(values, Mapping):
            raise AttributeError(attr)
        for name in (attr, attr.replace("_", "-")):
            if name in values:
                return values[name]
        raise AttributeError(f"no event {attr!r} in these counts (have: {', '.join(values)})")

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data: values plus the metadata needed to interpret them."""
        out: dict[str, Any] = {
            "values": dict(self.data),
            "backend": self.backend,
            "scaled": sorted(self.scaled),
            "not_counted": sorted(self.not_counted),
            "overhead": dict(self.overhead),
        }
        if self.gpu is not None or self.gpu_reason is not None:
            out["gpu"] = None if self.gpu is None else dict(self.gpu)
            out["gpu_reason"] = self.gpu_reason
        if self.backend_reason is not None:
            out["backend_reason"] = self.backend_reason
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Counts:
        """Inverse of :meth:`to_dict`."""
        return cls(
            data=dict(data["values"]),
            backend=str(data["backend"]),
            scaled=frozenset(data.get("scaled", ())),
            not_counted=frozenset(data.get("not_counted", ())),
            overhead=dict(data.get("overhead", {})),
            gpu=data.get("gpu"),
            gpu_reason=data.get("gpu_reason"),
            backend_reason=data.get("backend_reason"),
        )

    def to_pandas(self) -> Any:
        """A DataFrame, one row per event: value, scaled, overhead (needs pandas)."""
        return views.render(self, "frame")

    def _repr_html_(self) -> str:
        return views.render(self, "html")

    def __repr__(self) -> str:
        from perfcount.counters.events import unit_of

        body = ", ".join(
            f"{k}={v:,.0f}{' ' + unit_of(k) if unit_of(k) else ''}{'*' if k in self.scaled else ''}"
            if isinstance(v, (int, float))
            else f"{k}={v!r}"
            for k, v in self.data.items()
        )
        return f"Counts({body}; backend={self.backend!r})"


_EMPTY_SET: frozenset[str] = frozenset()
_object_new = object.__new__
_object_setattr = object.__setattr__
_COUNTS_FIELDS = (
    "data",
    "backend",
    "scaled",
    "not_counted",
    "overhead",
    "gpu",
    "gpu_reason",
    "backend_reason",
)


def _counts(
    values: dict[str, float],
    backend: str,
    scaled: frozenset[str],
    not_counted: frozenset[str],
    overhead: Mapping[str, float],
    gpu: Mapping[str, Any] | None,
    gpu_reason: str | None,
    backend_reason: str | None,
) -> Counts:
    """``Counts(...)`` without the frozen dataclass's per-field ``object.__setattr__``.

    Measuring in a loop builds one per region; this is ~4x cheaper. Falls back
    to the constructor if Counts ever gains fields this does not know.
    """
    if _COUNTS_FAST:
        c = _object_new(Counts)
        _object_setattr(
            c,
            "__dict__",
            {
                "data": values,
                "backend": backend,
                "scaled": scaled,
                "not_counted": not_counted,
                "overhead": overhead,
                "gpu": gpu,
                "gpu_reason": gpu_reason,
                "backend_reason": backend_reason,
            },
        )
        return c
    return Counts(
        data=values,
        backend=backend,
        scaled=scaled,
        not_counted=not_counted,
        overhead=overhead,
        gpu=gpu,
        gpu_reason=gpu_reason,
        backend_reason=backend_reason,
    )


_COUNTS_FAST = tuple(f.name for f in fields(Counts)) == _COUNTS_FIELDS


# ---------------------------------------------------------------------------
# Groups: one per (thread, event set), opened lazily, calibrated once.

_CALIBRATION_ROUNDS = 64


class _Entry:
    """An open native group with its names and calibrated overhead."""

    __slots__ = ("group", "names", "overhead", "subtract")

    def __init__(self, group: Any, names: tuple[str, ...]) -> None:
        self.group = group
        self.names = names
        self.overhead: dict[str, float] = {}  # ints where the counts are exact
        self.subtract: tuple[tuple[str, float], ...] = ()

    def calibrate(self, rounds: int = _CALIBRATION_ROUNDS) -> None:
        """Minimum over ``rounds`` empty regions, per event (the measurement's own cost)."""
        probe = measure.__new__(measure)
        probe._init_plain(self)
        best: list[float] = [math.inf] * len(self.names)
        for _ in range(rounds):
            with probe:
                pass
            assert probe._raw is not None
            values = probe._raw[0]
            for i, v in enumerate(values):
                if v is not None and v < best[i]:
                    best[i] = v
        self.overhead = {n: (0 if b == math.inf else b) for n, b in zip(self.names, best)}
        self.subtract = tuple((n, o) for n, o in self.overhead.items() if o)


class _CloseAtThreadExit:
    """Closes a thread's cached groups when the thread's locals are dropped (it exited).

    A measure object used in that thread still references its group; closed,
    the group makes the object rebind in whatever thread uses it next instead
    of keeping the dead thread's counter fds open.
    """

    __slots__ = ("entries",)

    def __init__(self, entries: dict[tuple[Any, ...], _Entry]) -> None:
        self.entries = entries

    def __del__(self) -> None:
        for entry in self.entries.values():
            with contextlib.suppress(Exception):  # interpreter shutdown: nobody to tell
                entry.group.close()


class _Groups(threading.local):
    def __init__(self) -> None:
        self.entries: dict[tuple[Any, ...], _Entry] = {}
        self.closer = _CloseAtThreadExit(self.entries)


_groups = _Groups()


class _ThreadToken(threading.local):
    """A per-thread object, held by the regions bound in that thread.

    Thread idents are recycled (glibc reuses an exited thread's descriptor),
    so the twin compares this object's identity instead; a region holding it
    keeps it alive, so its ``id`` cannot be reused either. Replaced in a
    forked child.
    """

    def __init__(self) -> None:
        self.token = object()


_thread_tokens = _ThreadToken()


def _thread_token() -> object:
    return _thread_tokens.token


def _forget_groups_after_fork() -> None:
    # The child's copies of the parent's fds read the parent's counters: drop
    # them (closing a copy does not disturb the parent) and open fresh groups.
    global _groups
    for entry in _groups.entries.values():
        entry.group.close()
    _groups = _Groups()
    _thread_tokens.token = object()


os.register_at_fork(after_in_child=_forget_groups_after_fork)


_NATIVES: dict[int, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}


def _group_key(events: tuple[Any, ...], inherit: bool) -> tuple[Any, ...]:
    """Hashable key of a group: the events' native tuples and ``inherit``.

    Memoised per events tuple (``_resolve`` hands out the same tuple for the
    same spelling), so a fresh ``measure()`` per region stays cheap.
    """
    hit = _NATIVES.get(id(events))
    if hit is None or hit[0] is not events:
        if len(_NATIVES) > 1024:
            _NATIVES.clear()
        hit = _NATIVES[id(events)] = (events, tuple(e.native() for e in events))
    return (hit[1], inherit)


def _entry_for(events: tuple[Any, ...], inherit: bool, key: Any = None) -> _Entry:
    """This thread's open group for ``events`` (opened and calibrated on first use)."""
    if key is None:
        key = _group_key(events, inherit)
    entry = _groups.entries.get(key)
    if entry is None or entry.group.closed:
        group = _native_module().Group(list(key[0]), inherit=inherit)
        entry = _Entry(group, tuple(e.name for e in events))
        entry.calibrate()
        _groups.entries[key] = entry
    return entry


def _native_module() -> Any:
    try:
        from perfcount import _native
    except ImportError as exc:
        raise BackendError(
            f"perfcount's native extension is missing ({exc}); counters cannot be opened",
            hint="reinstall perfcount (pip install .) on this machine",
        ) from exc
    return _native


def close_groups() -> None:
    """Close this thread's cached counter groups (they reopen on next use)."""
    for entry in _groups.entries.values():
        entry.group.close()
    _groups.entries.clear()


_hardware_probe: tuple[bool, str] | None = None


def hardware_available() -> tuple[bool, str]:
    """Whether the hardware ``instructions`` counter opens here, and why (not)."""
    global _hardware_probe
    if _hardware_probe is None:
        try:
            with _native_module().Group([("instructions", 0, 1, False, True, True)], inherit=False):
                pass
        except PerfcountError as exc:
            first = str(exc).splitlines()[0]
            _hardware_probe = (False, f"the hardware instruction counter does not open ({first})")
        else:
            _hardware_probe = (True, "the hardware instruction counter opens (perf_event)")
    return _hardware_probe


def _resolve(events: Any, backend: str) -> tuple[str, str | None, tuple[Any, ...]]:
    """(backend used, why auto chose it, parsed events); cached for repeated spellings.

    ``with measure([...]):`` in a loop builds a measure object per region, so
    the parse is memoised on a hashable form of the arguments.
    """
    key: Any = tuple(events) if isinstance(events, list) else events
    try:
        return _resolve_cached(key, backend)
    except TypeError:  # unhashable: resolve without the cache (errors are raised as usual)
        return _resolve_uncached(events, backend)


@functools.lru_cache(maxsize=256)
def _resolve_cached(events: Any, backend: str) -> tuple[str, str | None, tuple[Any, ...]]:
    return _resolve_uncached(events, backend)


def _resolve_uncached(events: Any, backend: str) -> tuple[str, str | None, tuple[Any, ...]]:
    from perfcount.counters.backends import select
    from perfcount.counters.events import parse_events

    chosen, reason = select(backend, events, in_process=True)
    auto = isinstance(backend, str) and backend.strip().lower() == "auto"
    return chosen.name, reason if auto else None, parse_events(chosen.events)


# ---------------------------------------------------------------------------
# measure()


class _PyRegion:
    """Pure-Python twin of ``perfcount._native.Region`` (same attributes and semantics).

    ``measure`` builds on the native type, whose C ``__enter__``/``__exit__``
    keep the Python machinery out of the region; this twin is the fallback
    when the extension is missing (``import perfcount`` must keep working for
    the pure-Python parts; measuring then fails with a clear error).
    """

    __slots__ = ("_counts", "_pyr_group", "_pyr_tid", "_pyr_tokens", "_raw", "_slow")
    _counts: Any
    _raw: Any
    _slow: bool
    _pyr_group: Any
    _pyr_tid: object  # _thread_token() of the binding thread
    _pyr_tokens: list[int]

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        self = object.__new__(cls)
        self._counts = None
        self._raw = None
        self._slow = False
        self._pyr_group = None
        self._pyr_tid = None
        self._pyr_tokens = []
        return self

    @property
    def _group(self) -> Any:
        return self._pyr_group

    @_group.setter
    def _group(self, group: Any) -> None:
        if self._pyr_tokens and group is not self._pyr_group:
            raise RuntimeError("cannot rebind the group of an open region")
        self._pyr_group = group
        self._pyr_tid = _thread_token()

    @property
    def _depth(self) -> int:
        return len(self._pyr_tokens)

    def _bind(self) -> None:  # overridden by measure
        raise NotImplementedError

    def _enter_slow(self) -> Any:  # overridden by measure
        raise NotImplementedError

    def _exit_slow(self) -> None:  # overridden by measure
        raise NotImplementedError

    def _begin(self) -> None:
        g = self._pyr_group
        if g is None or self._pyr_tid is not _thread_token() or g.closed:
            self._bind()
            g = self._pyr_group
        self._pyr_tokens.append(g.begin())

    def _end(self) -> None:
        if not self._pyr_tokens or self._pyr_group is None:
            raise RuntimeError("no open region to end")
        self._raw = self._pyr_group.end(self._pyr_tokens[-1])
        self._pyr_tokens.pop()
        self._counts = None

    def __enter__(self) -> Any:
        if self._slow:
            return self._enter_slow()
        self._begin()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._slow:
            self._exit_slow()
            return
        self._end()


try:
    from perfcount._native import Region as _RegionBase
except ImportError:  # pragma: no cover - exercised only without the extension
    _RegionBase = _PyRegion  # type: ignore[misc,assignment]


class measure(_RegionBase):  # type: ignore[valid-type,misc]  # lower-case: used like a function
    """Count the events of a region of code, as a context manager or a decorator.

    >>> with perfcount.measure(["task-clock", "page-faults"]) as m:
    ...     work()
    >>> m.counts["task-clock"]

    As a decorator, every call is a region; the last one's counts are in
    ``m.counts`` (and in ``wrapped.counts``). Regions nest (a measure object
    can be re-entered, e.g. by a recursive decorated function). Bad event
    names raise :class:`InvalidArgument` here; unavailable counters raise
    :class:`CounterUnavailable` / :class:`PermissionDenied` on entering.
    A measure object may move between threads between regions (it binds to
    the current thread's group); use one object per thread concurrently.

    ``gpu``: ``False``, ``True`` (NVML metrics when a GPU is there, else a
    reason in ``Counts.gpu_reason``) or ``"required"``.
    ``inherit``: count threads started inside the region (default ``True``).

    The ``with`` fast path is the native base's C ``__enter__``/``__exit__``:
    the first counter read is the last thing before the body, the second the
    first thing after it.
    """

    __slots__ = (
        "__weakref__",
        "_backend",
        "_entry",
        "_events",
        "_gpu",
        "_gpu_data",
        "_gpu_reason",
        "_inherit",
        "_key",
        "_meter",
        "_private_group",
        "_qemu_starts",
        "_reason",
        "_subtract",
        "_vg_depth",
    )

    def __init__(
        self,
        events: str | Sequence[str] | None = None,
        *,
        backend: str = "auto",
        gpu: bool | str = False,
        inherit: bool = True,
    ) -> None:
        self._backend, self._reason, self._events = _resolve(events, backend)
        if gpu not in (False, True, "required", None):
            raise InvalidArgument(
                f"gpu={gpu!r} is not a GPU mode",
                hint="pass gpu=False, gpu=True or gpu='required'",
            )
        self._gpu = gpu or False
        self._inherit = bool(inherit)
        self._key: tuple[Any, ...] | None = _group_key(self._events, self._inherit)
        self._slow = bool(self._gpu) or self._backend in ("valgrind", "qemu")
        self._entry: _Entry | None = _qemu_entry() if self._backend == "qemu" else None
        self._meter: Any = None  # the outermost region's GpuMeter while it runs
        self._private_group = False
        self._gpu_data: dict[str, Any] | None = None
        self._gpu_reason: str | None = None
        self._subtract = True
        self._vg_depth = 0
        self._qemu_starts: list[int] = []

    def _init_plain(self, entry: _Entry) -> None:
        """A bare region on ``entry`` with no subtraction (used for calibration)."""
        self._backend, self._reason = "calibration", None
        self._events = ()
        self._gpu = False
        self._inherit = True
        self._key = None
        self._slow = False
        self._entry = entry
        self._group = entry.group
        self._meter = None
        self._private_group = False
        self._gpu_data = None
        self._gpu_reason = None
        self._subtract = False
        self._vg_depth = 0
        self._qemu_starts = []

    def _bind(self) -> None:
        """Find (or open) this thread's group for our events (called by the base)."""
        if self._depth:
            raise InvalidArgument(
                "a measure object was re-entered from another thread (or after fork) "
                "while a region was open",
                hint="use one perfcount.measure() object per thread",
            )
        entry = _entry_for(self._events, self._inherit, self._key)
        self._entry = entry
        self._group = entry.group

    def _enter_slow(self) -> measure:
        if self._backend == "qemu":
            return self._enter_qemu()
        if self._backend == "valgrind":
            return self._enter_valgrind()
        # the GPU window belongs to the outermost region of this object (a
        # decorated recursive function re-enters it)
        outer = not self._depth
        if outer:
            self._start_gpu()
        try:
            self._begin()
        except BaseException:
            if outer:
                self._discard_gpu()
            raise
        return self

    def _exit_slow(self) -> None:
        if self._backend == "qemu":
            self._exit_qemu()
            return
        if self._backend == "valgrind":
            self._exit_valgrind()
            return
        try:
            self._end()
        finally:
            if not self._depth:
                self._stop_gpu()

    def __call__(self, fn: F) -> F:
        """Decorate ``fn``: each call is measured; ``wrapper.counts`` is the last call's."""
        if not callable(fn):
            raise InvalidArgument(
                f"measure() decorates a callable, not {type(fn).__name__}",
                hint="use `with perfcount.measure(): ...` for a block of code",
            )
        m = self

        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                with m:
                    return fn(*args, **kwargs)
            finally:
                if not m._depth and not m._vg_depth and not m._qemu_starts:
                    wrapper.counts = m.counts  # type: ignore[attr-defined]

        wrapper.measure = m  # type: ignore[attr-defined]
        wrapper.counts = None  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    @property
    def backend(self) -> str:
        """The backend this measurement uses (``auto`` already resolved)."""
        return self._backend

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(e.name for e in self._events)

    @property
    def counts(self) -> Counts:
        """Counts of the last finished region."""
        counts = self._counts
        if counts is None:
            counts = self._counts = self._build()
        return counts

    def _build(self) -> Counts:
        raw = self._raw
        if raw is None:
            raise InvalidArgument(
                "no region has been measured yet",
                hint="read m.counts after the `with perfcount.measure() as m:` block",
            )
        entry = self._entry
        assert entry is not None
        values, scaled_mask, nc_mask = raw
        names = entry.names
        out: dict[str, float]
        if nc_mask:
            out = {n: v for n, v in zip(names, values) if v is not None}
        else:
            out = dict(zip(names, values))  # type: ignore[arg-type]  # no None here
        if self._subtract:
            for name, o in entry.subtract:
                v = out.get(name)
                if v is not None:
                    v -= o
                    out[name] = v if v > 0 else (0 if isinstance(v, int) else 0.0)
            overhead = dict(entry.overhead)  # a copy: Counts are plain, picklable data
        else:
            overhead = {}
        return _counts(
            out,
            self._backend,
            frozenset(n for i, n in enumerate(names) if scaled_mask >> i & 1)
            if scaled_mask
            else _EMPTY_SET,
            frozenset(n for i, n in enumerate(names) if nc_mask >> i & 1)
            if nc_mask
            else _EMPTY_SET,
            overhead,
            self._gpu_data,
            self._gpu_reason,
            self._reason,
        )

    # -- GPU ---------------------------------------------------------------
    # The failure policy is GpuMeter's: gpu=True gives a reason instead of
    # metrics when there is no GPU, or NVML fails at the start or during the
    # region (e.g. the GPU is lost), and the counts stand; "required" raises.
    def _start_gpu(self) -> None:
        self._gpu_data = None
        self._gpu_reason = None
        try:
            from perfcount.counters.gpu import GpuMeter
        except ImportError:
            self._gpu_reason = "GPU support is not available in this build"
            return
        meter = GpuMeter(self._gpu)  # "required" without a usable GPU raises here
        if meter.sampler is None:
            self._gpu_reason = meter.reason
            return
        try:
            if self._backend != "valgrind":
                # inherit=1 follows only threads created after the group is
                # attached: open a private group now that the sampler's thread
                # exists, so its sampling is not counted as the region's work
                self._open_private_group()
            meter.start()  # True: a failure becomes this window's reason
        except BaseException:
            meter.close()
            self._close_private_group()
            raise
        self._meter = meter

    def _open_private_group(self) -> None:
        key = _group_key(self._events, self._inherit)
        group = _native_module().Group(list(key[0]), inherit=self._inherit)
        entry = _Entry(group, tuple(e.name for e in self._events))
        try:
            entry.calibrate()
        except BaseException:
            group.close()
            raise
        self._entry = entry
        self._group = entry.group
        self._private_group = True

    def _close_private_group(self) -> None:
        if self._private_group and not self._depth:
            self._private_group = False
            group = self._group
            self._group = None
            if group is not None:
                group.close()

    def _stop_gpu(self) -> None:
        meter, self._meter = self._meter, None
        if meter is None:
            return
        try:
            self._gpu_data, reason = meter.stop()  # "required": a failure raises
            if reason is not None:
                self._gpu_reason = reason
        finally:
            meter.close()
            self._close_private_group()

    def _discard_gpu(self) -> None:
        """The region did not start: release the sampler and the private group."""
        meter, self._meter = self._meter, None
        try:
            if meter is not None:
                meter.close()
        finally:
            self._close_private_group()

    # -- valgrind (in-process, only under callgrind) -------------------------
    def _enter_valgrind(self) -> measure:
        from perfcount import _native

        self._vg_depth += 1
        _native.callgrind_start()
        return self

    def _exit_valgrind(self) -> None:
        from perfcount import _native

        depth = self._vg_depth
        self._vg_depth -= 1
        label = f"perfcount-measure-{os.getpid()}-{id(self)}-{depth}"
        _native.callgrind_stop(label)
        total = read_own_dump(label)
        self._raw = ((total,), 0, 0)
        if self._entry is None:
            self._entry = _Entry(None, ("instructions",))
        self._counts = None

    # -- qemu (in-process, only under qemu-x86_64 with the plugin's regions=on) ----
    def _enter_qemu(self) -> measure:
        starts = self._qemu_starts
        starts.append(0)  # the list grows before the read, not after it
        starts[-1] = _region_count()
        return self

    def _exit_qemu(self) -> None:
        end = _region_count()  # the first thing after the body
        self._raw = ((end - self._qemu_starts.pop(),), 0, 0)
        self._counts = None


def _no_reader() -> int:
    raise BackendError("no qemu region reader (measure(backend='qemu') sets it up)")


#: counters.qemu.region_count once a qemu region was set up (not imported before:
#: a fork server imports this module, and every import there moves counts)
_region_count: Callable[[], int] = _no_reader
_QEMU_ENTRY: _Entry | None = None


def _qemu_entry() -> _Entry:
    """The qemu regions' calibration: the minimum of 64 empty regions, once per process.

    A read is a ctypes call (~4k guest instructions); the count between the
    two reads of an empty region is the measurement's own cost, subtracted
    from every region like a perf group's.
    """
    global _QEMU_ENTRY, _region_count
    if _QEMU_ENTRY is None:
        from perfcount.counters.qemu import region_count

        _region_count = region_count
        entry = _Entry(None, ("instructions",))
        probe = measure.__new__(measure)
        probe._init_plain(entry)
        probe._backend = "qemu"
        probe._slow = True
        best = min(_empty_region(probe) for _ in range(_CALIBRATION_ROUNDS))
        entry.overhead = {"instructions": best}
        entry.subtract = (("instructions", best),) if best else ()
        _QEMU_ENTRY = entry
    return _QEMU_ENTRY


def _empty_region(probe: measure) -> int:
    with probe:
        pass
    return int(probe._raw[0][0])


# ---------------------------------------------------------------------------
# count()


@dataclass(frozen=True)
class CountSummary(Mapping[str, float]):
    """Repeated counts of one call: per-repeat values and their statistics.

    A mapping event -> **median** over the repeats (the robust centre for
    noisy, right-skewed costs such as task-clock). ``min``, ``median``,
    ``mean``, ``stdev`` (sample standard deviation, n-1) and ``cv``
    (stdev / mean; 0 for a single repeat or a zero mean) are dicts per event.
    Events missing from some repeats (not counted) are summarised over the
    repeats that have them. ``result`` is the last call's return value.
    """

    runs: tuple[Counts, ...] = field()
    backend: str = field()
    result: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.runs:
            raise InvalidArgument("a CountSummary needs at least one run")

    @property
    def names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for r in self.runs:
            seen.update(dict.fromkeys(r))
        return tuple(seen)

    def values(self, name: str) -> tuple[float, ...]:  # type: ignore[override]
        """Per-repeat values of ``name``."""
        return tuple(r[name] for r in self.runs if name in r)

    def _stat(self, fn: Callable[[tuple[float, ...]], float]) -> dict[str, float]:
        return {n: fn(self.values(n)) for n in self.names}

    @property
    def min(self) -> dict[str, float]:
        return self._stat(min)

    @property
    def median(self) -> dict[str, float]:
        return self._stat(stats.median)

    @property
    def mean(self) -> dict[str, float]:
        return self._stat(statistics.fmean)

    @property
    def stdev(self) -> dict[str, float]:
        return self._stat(lambda v: statistics.stdev(v) if len(v) > 1 else 0.0)

    @property
    def cv(self) -> dict[str, float]:
        return self._stat(lambda v: stats.cv(v) or 0.0)

    @property
    def overhead(self) -> Mapping[str, float]:
        return self.runs[-1].overhead

    def __getitem__(self, name: str) -> float:
        v = self.values(name)
        if not v:
            raise KeyError(name)
        return stats.median(v)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (the result value is left out)."""
        return {
            "backend": self.backend,
            "repeat": len(self.runs),
            "runs": [r.to_dict() for r in self.runs],
            "min": self.min,
            "median": self.median,
            "mean": self.mean,
            "cv": self.cv,
        }

    def to_pandas(self, *, runs: bool = False) -> Any:
        """Statistics per event (``runs=True``: the raw value of every repeat) as a DataFrame."""
        return views.render(self, "frame", runs=runs)

    def _repr_html_(self) -> str:
        return views.render(self, "html")

    def __repr__(self) -> str:
        from perfcount.counters.events import unit_of

        med, cv = self.median, self.cv
        body = ", ".join(
            f"{n}={med[n]:,.0f}{' ' + unit_of(n) if unit_of(n) else ''} (cv {cv[n]:.1%})"
            for n in self.names
        )
        return f"CountSummary({body}; repeat={len(self.runs)}, backend={self.backend!r})"


def count(
    fn: Callable[..., Any],
    *args: Any,
    repeat: int = 5,
    warmup: int = 1,
    events: str | Sequence[str] | None = None,
    backend: str = "auto",
    **kwargs: Any,
) -> CountSummary:
    """Call ``fn(*args, **kwargs)`` ``warmup`` + ``repeat`` times; count the repeats.

    Before each counted call the garbage collector runs, and it stays disabled
    inside the region (so a collection triggered by earlier garbage is not
    billed to ``fn``); it is restored afterwards.
    """
    if not callable(fn):
        raise InvalidArgument(
            f"count() needs a callable, not {type(fn).__name__}",
            hint="pass the function and its arguments: count(f, x, y)",
        )
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise InvalidArgument(f"repeat must be an int >= 1, got {repeat!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise InvalidArgument(f"warmup must be an int >= 0, got {warmup!r}")
    m = measure(events, backend=backend)
    for _ in range(warmup):
        fn(*args, **kwargs)
    runs: list[Counts] = []
    result: Any = None
    gc_was_enabled = gc.isenabled()
    try:
        for _ in range(repeat):
            gc.collect()
            gc.disable()
            with m:
                result = fn(*args, **kwargs)
            if gc_was_enabled:
                gc.enable()
            runs.append(m.counts)
    finally:
        if gc_was_enabled:
            gc.enable()
    return CountSummary(runs=tuple(runs), backend=m.backend, result=result)
