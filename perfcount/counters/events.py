"""Event names ⇄ perf_event ``(type, config)``.

Accepted spellings (as ``perf stat -e`` takes them):

- generic hardware events: ``instructions``, ``cycles``, ``ref-cycles``,
  ``branches``, ``branch-misses``, ``cache-references``, ``cache-misses``,
  ``stalled-cycles-frontend``, ``stalled-cycles-backend``, ``bus-cycles``;
- software events: ``task-clock``, ``cpu-clock``, ``page-faults``,
  ``minor-faults``, ``major-faults``, ``context-switches``, ``cpu-migrations``,
  ``alignment-faults``, ``emulation-faults``;
- hardware cache events: ``L1-dcache-loads``, ``LLC-load-misses``, ... ;
- raw PMU events: ``rNNNN`` (hexadecimal event code, e.g. ``r01c2``);
- each optionally followed by modifiers ``:u`` (user space), ``:k`` (kernel),
  ``:h`` (hypervisor), combinable (``:uk``).

Without a modifier an event counts **user space only** (``exclude_kernel``,
``exclude_hv``): that needs no privilege at ``perf_event_paranoid`` 2 and is
what a cost of *the code* should be. The exception are ``context-switches``
and ``cpu-migrations``, which only ever happen in the kernel (user-only they
always read 0): without a modifier they count kernel side when this process
may (root, CAP_PERFMON/CAP_SYS_ADMIN, or ``perf_event_paranoid`` <= 1), and
the default software event set leaves ``context-switches`` out otherwise. Names in results keep the modifier the
user wrote (``instructions:k``) and use the canonical spelling of aliases
(``cpu-cycles`` → ``cycles``).
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from perfcount.errors import InvalidArgument

__all__ = [
    "DEFAULT_PERF_EVENTS",
    "DEFAULT_SOFTWARE_EVENTS",
    "HARDWARE",
    "SOFTWARE",
    "Event",
    "default_software_events",
    "kernel_counting_allowed",
    "known_names",
    "parse_event",
    "parse_events",
]

# linux/perf_event.h: enum perf_type_id
TYPE_HARDWARE = 0
TYPE_SOFTWARE = 1
TYPE_TRACEPOINT = 2
TYPE_HW_CACHE = 3
TYPE_RAW = 4

# enum perf_hw_id
HARDWARE: dict[str, int] = {
    "cycles": 0,
    "instructions": 1,
    "cache-references": 2,
    "cache-misses": 3,
    "branches": 4,
    "branch-misses": 5,
    "bus-cycles": 6,
    "stalled-cycles-frontend": 7,
    "stalled-cycles-backend": 8,
    "ref-cycles": 9,
}

# enum perf_sw_ids
SOFTWARE: dict[str, int] = {
    "cpu-clock": 0,
    "task-clock": 1,
    "page-faults": 2,
    "context-switches": 3,
    "cpu-migrations": 4,
    "minor-faults": 5,
    "major-faults": 6,
    "alignment-faults": 7,
    "emulation-faults": 8,
}

ALIASES: dict[str, str] = {
    "cpu-cycles": "cycles",
    "branch-instructions": "branches",
    "idle-cycles-frontend": "stalled-cycles-frontend",
    "idle-cycles-backend": "stalled-cycles-backend",
    "faults": "page-faults",
    "cs": "context-switches",
    "migrations": "cpu-migrations",
}

# enum perf_hw_cache_id / _op_id / _op_result_id
_CACHE_IDS = {
    "L1-dcache": 0,
    "L1-icache": 1,
    "LLC": 2,
    "dTLB": 3,
    "iTLB": 4,
    "branch": 5,
    "node": 6,
}
_CACHE_OPS = {"loads": 0, "stores": 1, "prefetches": 2}
_CACHE_OP_MISSES = {"load-misses": (0, 1), "store-misses": (1, 1), "prefetch-misses": (2, 1)}


def _cache_events() -> dict[str, int]:
    out: dict[str, int] = {}
    for cache, cid in _CACHE_IDS.items():
        for op, oid in _CACHE_OPS.items():
            out[f"{cache}-{op}"] = cid | (oid << 8) | (0 << 16)
        for op, (oid, rid) in _CACHE_OP_MISSES.items():
            out[f"{cache}-{op}"] = cid | (oid << 8) | (rid << 16)
    return out


HW_CACHE: dict[str, int] = _cache_events()
_CACHE_BY_LOWER = {k.lower(): k for k in HW_CACHE}

# Default event sets of the backends (see perfcount.counters.region.measure).
DEFAULT_PERF_EVENTS: tuple[str, ...] = ("instructions", "cycles", "task-clock")
DEFAULT_SOFTWARE_EVENTS: tuple[str, ...] = ("task-clock", "page-faults", "context-switches")

# software events that only occur in kernel mode
#: the unit of events that are not plain counts (clocks count nanoseconds)
UNITS: dict[str, str] = {"task-clock": "ns", "cpu-clock": "ns"}


def unit_of(name: str) -> str:
    """``"ns"`` for the clock events (modifiers such as ``:u`` ignored), else ``""``."""
    return UNITS.get(name.split(":")[0], "")


KERNEL_SIDE = frozenset({"context-switches", "cpu-migrations"})

_RAW = re.compile(r"r([0-9a-fA-F]{1,16})")
_MODIFIERS = re.compile(r"[ukh]+")


@dataclass(frozen=True)
class Event:
    """One countable event: its result name and what ``perf_event_open`` needs."""

    name: str
    type: int
    config: int
    exclude_user: bool = False
    exclude_kernel: bool = True
    exclude_hv: bool = True

    @property
    def is_hardware(self) -> bool:
        """True for events that need a hardware PMU (generic, cache and raw)."""
        return self.type in (TYPE_HARDWARE, TYPE_HW_CACHE, TYPE_RAW)

    @property
    def is_software(self) -> bool:
        return self.type == TYPE_SOFTWARE

    def native(self) -> tuple[str, int, int, bool, bool, bool]:
        """The tuple the native ``Group``/``run_counted`` take."""
        return (
            self.name,
            self.type,
            self.config,
            self.exclude_user,
            self.exclude_kernel,
            self.exclude_hv,
        )


@functools.cache
def kernel_counting_allowed() -> bool:
    """Whether this process may count kernel-mode events (``exclude_kernel=0``)."""
    if os.geteuid() == 0:
        return True
    try:
        with open("/proc/sys/kernel/perf_event_paranoid") as f:
            if int(f.read().strip()) <= 1:
                return True
    except (OSError, ValueError):
        pass
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:"):
                    caps = int(line.split()[1], 16)
                    return bool(caps & (1 << 38 | 1 << 21))  # CAP_PERFMON, CAP_SYS_ADMIN
    except (OSError, ValueError):
        pass
    return False


def default_software_events() -> tuple[str, ...]:
    """The software backend's default events on this machine."""
    if kernel_counting_allowed():
        return DEFAULT_SOFTWARE_EVENTS
    return tuple(e for e in DEFAULT_SOFTWARE_EVENTS if e not in KERNEL_SIDE)


def known_names() -> list[str]:
    """Every named event this module knows (aliases included)."""
    return [*HARDWARE, *SOFTWARE, *ALIASES, *HW_CACHE]


def _unknown(name: str) -> InvalidArgument:
    close = difflib.get_close_matches(name.lower(), [n.lower() for n in known_names()], n=3)
    spelled = [_CACHE_BY_LOWER.get(c, c) for c in close]
    hint = (
        f"did you mean {', '.join(repr(c) for c in spelled)}?"
        if spelled
        else "use a name from `perf list` (e.g. instructions, task-clock) or a raw code like r01c2"
    )
    return InvalidArgument(f"unknown event {name!r}", hint=hint)


def parse_event(spec: str) -> Event:
    """Parse one event spelling (``instructions:u``, ``r01c2``, ``task-clock``)."""
    if not isinstance(spec, str):
        raise InvalidArgument(
            f"an event name must be a string, not {type(spec).__name__}",
            hint="pass names like 'task-clock' or a comma-separated string",
        )
    text = spec.strip()
    if not text:
        raise InvalidArgument("empty event name", hint="remove the stray comma")
    base, sep, mods = text.partition(":")
    if sep and not _MODIFIERS.fullmatch(mods):
        raise InvalidArgument(
            f"bad modifier {mods!r} in event {spec!r}",
            hint="modifiers are u (user), k (kernel), h (hypervisor), e.g. instructions:u",
        )
    lower = base.lower()
    canonical = ALIASES.get(lower, lower)
    if canonical in HARDWARE:
        etype, config = TYPE_HARDWARE, HARDWARE[canonical]
    elif canonical in SOFTWARE:
        etype, config = TYPE_SOFTWARE, SOFTWARE[canonical]
    elif lower in _CACHE_BY_LOWER:
        canonical = _CACHE_BY_LOWER[lower]
        etype, config = TYPE_HW_CACHE, HW_CACHE[canonical]
    elif m := _RAW.fullmatch(base):
        canonical = "r" + m.group(1).lower()
        etype, config = TYPE_RAW, int(m.group(1), 16)
    else:
        raise _unknown(base)
    if sep:
        user, kernel, hv = "u" in mods, "k" in mods, "h" in mods
        name = f"{canonical}:{''.join(c for c in 'ukh' if c in mods)}"
    else:
        user, hv = True, False
        kernel = canonical in KERNEL_SIDE and kernel_counting_allowed()
        name = canonical
    return Event(
        name=name,
        type=etype,
        config=config,
        exclude_user=not user,
        exclude_kernel=not kernel,
        exclude_hv=not hv,
    )


def parse_events(
    spec: str | Iterable[str] | None, default: Iterable[str] = ()
) -> tuple[Event, ...]:
    """Parse ``"instructions,cycles"`` or ``["instructions", "cycles"]``.

    ``None`` (or an empty selection) gives ``default``. Duplicates are an error.
    """
    if spec is None:
        names = list(default)
    elif isinstance(spec, str):
        names = spec.split(",")
    else:
        names = []
        for item in spec:
            if not isinstance(item, str):
                raise InvalidArgument(
                    f"an event name must be a string, not {type(item).__name__}",
                    hint="pass names like 'task-clock'",
                )
            names.extend(item.split(","))
    if not names:
        names = list(default)
    if not names:
        raise InvalidArgument("no events given", hint="name at least one event, e.g. task-clock")
    events = tuple(parse_event(n) for n in names)
    seen: set[str] = set()
    for e in events:
        if e.name in seen:
            raise InvalidArgument(f"event {e.name!r} is given twice", hint="list each event once")
        seen.add(e.name)
    if len(events) > 64:
        raise InvalidArgument("at most 64 events at once", hint="measure fewer events per region")
    return events
