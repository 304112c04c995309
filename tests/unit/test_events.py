"""Event names ⇄ perf_event (type, config), modifiers, defaults and errors."""

from __future__ import annotations

import pytest

from perfcount.counters import events
from perfcount.counters.events import parse_event, parse_events
from perfcount.errors import InvalidArgument


@pytest.mark.parametrize(
    ("name", "etype", "config"),
    [
        ("instructions", 0, 1),
        ("cycles", 0, 0),
        ("cpu-cycles", 0, 0),
        ("ref-cycles", 0, 9),
        ("branches", 0, 4),
        ("branch-misses", 0, 5),
        ("cache-references", 0, 2),
        ("cache-misses", 0, 3),
        ("stalled-cycles-frontend", 0, 7),
        ("stalled-cycles-backend", 0, 8),
        ("task-clock", 1, 1),
        ("cpu-clock", 1, 0),
        ("page-faults", 1, 2),
        ("faults", 1, 2),
        ("minor-faults", 1, 5),
        ("major-faults", 1, 6),
        ("context-switches", 1, 3),
        ("cpu-migrations", 1, 4),
        ("L1-dcache-load-misses", 3, 0 | (0 << 8) | (1 << 16)),
        ("LLC-loads", 3, 2),
        ("r01c2", 4, 0x01C2),
        ("rFF", 4, 0xFF),
    ],
)
def test_names_map_to_type_and_config(name: str, etype: int, config: int) -> None:
    e = parse_event(name)
    assert (e.type, e.config) == (etype, config)


def test_aliases_get_canonical_names() -> None:
    assert parse_event("cpu-cycles").name == "cycles"
    assert parse_event("cs").name == "context-switches"
    assert parse_event("INSTRUCTIONS").name == "instructions"
    assert parse_event("r01C2").name == "r01c2"
    assert parse_event("l1-dcache-loads").name == "L1-dcache-loads"


def test_default_is_user_space_only() -> None:
    e = parse_event("instructions")
    assert (e.exclude_user, e.exclude_kernel, e.exclude_hv) == (False, True, True)
    assert e.is_hardware and not e.is_software


@pytest.mark.parametrize(
    ("spec", "name", "excl"),
    [
        ("instructions:u", "instructions:u", (False, True, True)),
        ("instructions:k", "instructions:k", (True, False, True)),
        ("instructions:ku", "instructions:uk", (False, False, True)),
        ("cycles:ukh", "cycles:ukh", (False, False, False)),
        ("task-clock:h", "task-clock:h", (True, True, False)),
    ],
)
def test_modifiers(spec: str, name: str, excl: tuple[bool, bool, bool]) -> None:
    e = parse_event(spec)
    assert e.name == name
    assert (e.exclude_user, e.exclude_kernel, e.exclude_hv) == excl


def test_kernel_side_events_follow_privilege() -> None:
    e = parse_event("context-switches")
    assert e.exclude_kernel is (not events.kernel_counting_allowed())
    assert parse_event("context-switches:u").exclude_kernel is True
    soft = events.default_software_events()
    assert ("context-switches" in soft) is events.kernel_counting_allowed()
    assert soft[0] == "task-clock"


def test_parse_events_lists_and_strings() -> None:
    a = parse_events("instructions,cycles,r01c2")
    b = parse_events(["instructions", "cycles,r01c2"])
    assert a == b
    assert [e.name for e in a] == ["instructions", "cycles", "r01c2"]
    assert a[0].native() == ("instructions", 0, 1, False, True, True)


def test_defaults_when_none_or_empty() -> None:
    assert [e.name for e in parse_events(None, ["task-clock"])] == ["task-clock"]
    assert [e.name for e in parse_events([], ["page-faults"])] == ["page-faults"]
    with pytest.raises(InvalidArgument, match="no events"):
        parse_events(None)


def test_unknown_event_suggests_close_matches() -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_event("instrucions")
    assert isinstance(info.value, ValueError)
    assert "unknown event 'instrucions'" in str(info.value)
    assert "'instructions'" in info.value.hint
    with pytest.raises(ValueError, match="task-clock"):
        parse_events("task-clok,page-faults")
    with pytest.raises(InvalidArgument, match="L1-dcache-load-misses"):
        parse_event("L1-dcache-load-mises")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("instructions:x", "bad modifier"),
        ("instructions:", "bad modifier"),
        ("", "empty event name"),
        ("r", "unknown event"),
        ("r12345678901234567", "unknown event"),
        ("rxyz", "unknown event"),
    ],
)
def test_malformed(spec: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse_event(spec)


def test_duplicates_and_types_rejected() -> None:
    with pytest.raises(InvalidArgument, match="twice"):
        parse_events("task-clock,cpu-clock,task-clock")
    with pytest.raises(InvalidArgument, match="twice"):
        parse_events("cycles,cpu-cycles")
    with pytest.raises(InvalidArgument, match="must be a string"):
        parse_events([1])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="must be a string"):
        parse_event(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="at most 64"):
        parse_events([f"r{i:x}" for i in range(1, 70)])
    with pytest.raises(InvalidArgument, match="empty event name"):
        parse_events("task-clock,,page-faults")


def test_known_names_cover_the_tables() -> None:
    names = events.known_names()
    for n in ("instructions", "task-clock", "cs", "LLC-load-misses"):
        assert n in names
