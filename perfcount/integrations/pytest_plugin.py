"""pytest plugin: instruction (or any event) budgets for tests, and a measuring fixture.

Installed with perfcount (entry point ``pytest11``), it stays **inert until
enabled**: ``--perfcount``, the ini option ``perfcount = true``,
``--perfcount-json PATH`` or ``-p perfcount`` turn it on. (Where perfcount is
importable but not installed, so there is no entry point: ``-p
perfcount.integrations.pytest_plugin``; where it is installed, use ``-p perfcount`` — pytest
refuses to register the same module twice under two names.) Inert means:
the ``perfcount`` marker is registered (so ``--strict-markers`` accepts it) but
no budget is checked; a summary line says how many were left unchecked.

Budgets::

    @pytest.mark.perfcount(max_instructions=5_000_000)
    def test_sort_is_cheap(): ...

    @pytest.mark.perfcount(max_task_clock=50e6, max_page_faults=100, events=["context-switches"])
    def test_fast_enough(): ...

``max_<event>`` (underscores for dashes: ``max_task_clock`` is ``task-clock``
in ns) fails a test whose call — the test function only, not its fixtures —
counted more, with the measured value in the message. ``events=`` adds events
to measure and record without a budget; ``backend=`` forces a backend.

Where instruction counts come from (``max_instructions`` / ``instructions``):
the hardware counter when this machine has a PMU; otherwise callgrind when
pytest itself runs under it, as pytest-codspeed does::

    PERFCOUNT_CALLGRIND_OUT=/tmp/cg.%p valgrind --tool=callgrind --instr-atstart=no \\
        --callgrind-out-file=/tmp/cg.%p python -m pytest --perfcount

(only the test calls are instrumented), or under qemu-user with perfcount's
counting plugin, which re-runs pytest for you::

    python -m perfcount pytest ARGS          # = pytest --perfcount --perfcount-backend qemu ARGS
    pytest --perfcount --perfcount-backend qemu ARGS   # re-executes itself under qemu-x86_64

(deterministic guest-instruction counts at a few times native speed, where
callgrind is ~50x; only instructions are counted under qemu: perf_event_open
is not emulated there). ``--perfcount-backend`` sets every budget's default
backend (a marker's ``backend=`` still wins). With none of these, the test still runs
(its own assertions still count) and, if it passed, it is reported as
**skipped** with the reason the budget could not be checked;
``--perfcount-unavailable=fail`` makes that a failure instead (for CI that must
check budgets), ``=pass`` leaves the test passed with a warning line in the
summary.

The ``perfcount`` fixture measures blocks inside a test (always available)::

    def test_parse(perfcount):
        with perfcount(events=["task-clock"], label="parse") as m:
            parse(text)
        assert m.counts["task-clock"] > 0

It takes the same ``max_<event>=`` budgets, checked when the block exits.
``--perfcount-json PATH`` writes every measurement (marker and fixture) with
the test id, label, counts, budgets and verdict.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest

from perfcount._util.atomic import write_atomic
from perfcount.errors import BackendError, PerfcountError

__all__ = ["BudgetExceeded", "PerfcountPlugin"]

_UNAVAILABLE = ("skip", "fail", "pass")
_BACKENDS = ("auto", "perf", "software", "valgrind", "qemu")  # backends.NAMES, without the import
_KEY = pytest.StashKey["PerfcountPlugin"]()


class BudgetExceeded(AssertionError):
    """A measured count went over its ``max_<event>`` budget."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("perfcount", "perfcount: event-count budgets")
    group.addoption(
        "--perfcount",
        action="store_true",
        default=None,
        help="check @pytest.mark.perfcount budgets (the plugin is inert without it)",
    )
    group.addoption(
        "--perfcount-json",
        metavar="PATH",
        default=None,
        help="write every perfcount measurement of the session to PATH (implies --perfcount)",
    )
    group.addoption(
        "--perfcount-unavailable",
        choices=_UNAVAILABLE,
        default=None,
        help="a budget whose counter is unavailable here (e.g. instructions without a PMU, "
        "not under callgrind): skip the passed test with the reason (default), fail it, "
        "or pass it with a warning",
    )
    group.addoption(
        "--perfcount-backend",
        choices=_BACKENDS,
        default=None,
        help="the default backend of budgets and the fixture (auto); qemu re-runs pytest "
        "under qemu-x86_64 with perfcount's plugin (deterministic instruction counts)",
    )
    parser.addini("perfcount", type="bool", default=False, help="enable perfcount budgets")
    parser.addini(
        "perfcount_backend", default="auto", help="default backend of budgets (auto, ..., qemu)"
    )
    parser.addini(
        "perfcount_unavailable",
        default="skip",
        help="skip | fail | pass: what a budget that cannot be measured here does",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "perfcount(max_<event>=N, events=None, backend='auto'): fail the test when its call "
        "counts more than N <event> (e.g. max_instructions, max_task_clock); checked with "
        "--perfcount",
    )
    plugins = config.option.plugins or []
    enabled = bool(
        config.getoption("perfcount")
        or config.getini("perfcount")
        or config.getoption("perfcount_json")
        or any(p in ("perfcount", "perfcount.integrations.pytest_plugin") for p in plugins)
    )
    unavailable = config.getoption("perfcount_unavailable") or config.getini(
        "perfcount_unavailable"
    )
    if unavailable not in _UNAVAILABLE:
        raise pytest.UsageError(
            f"perfcount_unavailable = {unavailable!r}; use one of {', '.join(_UNAVAILABLE)}"
        )
    json_path = config.getoption("perfcount_json")
    if json_path and not os.path.isdir(os.path.dirname(os.path.abspath(json_path))):
        raise pytest.UsageError(
            f"--perfcount-json {json_path}: the directory does not exist; create it first"
        )
    backend = config.getoption("perfcount_backend") or config.getini("perfcount_backend")
    if backend not in _BACKENDS:
        raise pytest.UsageError(
            f"perfcount_backend = {backend!r}; use one of {', '.join(_BACKENDS)}"
        )
    if enabled and backend == "qemu":
        _run_under_qemu(config)
    plugin = PerfcountPlugin(
        config, enabled=enabled, unavailable=str(unavailable), backend=str(backend)
    )
    config.stash[_KEY] = plugin
    config.pluginmanager.register(plugin, "perfcount-session")


def _run_under_qemu(config: pytest.Config) -> None:
    """Re-execute this pytest under qemu-x86_64 with the plugin's regions (no-op when there).

    Global capture is stopped first, so the new process writes to the real
    stdout/stderr. A re-run whose plugin still does not answer is a usage
    error, not another re-run.
    """
    from perfcount.counters import qemu

    if _under_qemu():
        os.environ.pop(qemu.REEXEC_ENV, None)  # the tests' own subprocesses need not see it
        return
    if os.environ.get(qemu.REEXEC_ENV):
        raise pytest.UsageError(
            "--perfcount-backend qemu: pytest was re-run under qemu-x86_64, but perfcount's "
            "plugin does not answer region reads (was it loaded with regions=on?)"
        )
    # the environment pytest was started with: pytest itself added PYTEST_VERSION (and
    # sets it again in the re-run); passed on, it made this re-run's initial stack and
    # os.environ differ from `python -m perfcount pytest`'s, and region counts with them
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    try:
        argv = qemu.python_argv(sys.orig_argv[1:], env=env)
    except PerfcountError as exc:
        raise pytest.UsageError(
            f"--perfcount-backend qemu: {exc}" + (f" ({exc.hint})" if exc.hint else "")
        ) from None
    capman = config.pluginmanager.getplugin("capturemanager")
    if capman is not None:
        capman.stop_global_capturing()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, qemu.python_env(env))


# ---------------------------------------------------------------------------
# Budgets and how to measure them


def _budgets(kwargs: dict[str, Any], where: str) -> dict[str, float]:
    """``max_task_clock=5`` → ``{"task-clock": 5}``; refuses unknown events and non-numbers."""
    from perfcount.counters.events import parse_events
    from perfcount.errors import InvalidArgument

    out: dict[str, float] = {}
    for key, value in kwargs.items():
        if not key.startswith("max_"):
            raise InvalidArgument(
                f"{where}: unknown argument {key!r}",
                hint="budgets are max_<event>=N (e.g. max_instructions); also events=, backend=",
            )
        name = key[4:].replace("_", "-")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise InvalidArgument(f"{where}: {key} must be a non-negative number, got {value!r}")
        try:
            (event,) = parse_events([name])
        except PerfcountError as exc:
            raise InvalidArgument(f"{where}: {key}: {exc}") from None
        out[event.name] = value
    return out


class _Plan:
    """Which regions to open for a set of events: (backend, events) pairs, or why not."""

    def __init__(self, events: list[str], backend: str) -> None:
        from perfcount.counters.backends import select
        from perfcount.counters.events import parse_events

        parsed = list(parse_events(events)) if events else []
        self.regions: list[tuple[str, list[str] | None]] = []
        self.unavailable: str | None = None
        wants_instr = any(e.name == "instructions" for e in parsed)
        software = [e.name for e in parsed if e.is_software]
        hardware = [e.name for e in parsed if not e.is_software]
        if backend != "auto":
            # the one backend policy validates; what cannot work here is "unavailable"
            try:
                chosen, _ = select(backend, [e.name for e in parsed] or None, in_process=True)
            except BackendError as exc:
                self.unavailable = str(exc).splitlines()[0] + (
                    f" ({exc.hint})" if getattr(exc, "hint", None) else ""
                )
                return
            if chosen.name in ("valgrind", "qemu"):
                self.regions = [(chosen.name, None)]
                return
            if chosen.name == "perf" and hardware:
                hw_ok, why = _hardware()
                if not hw_ok:
                    self.unavailable = why
                    return
            self.regions = [(backend, [e.name for e in parsed] or None)]
            return
        if _under_qemu():
            others = [e.name for e in parsed if e.name != "instructions"]
            if others:
                self.unavailable = (
                    f"{', '.join(others)}: pytest runs under qemu-user, which does not emulate "
                    "perf_event_open; perfcount's plugin counts instructions only"
                )
                return
            self.regions = [("qemu", None)]
            return
        if not parsed:
            self.regions = [("auto", None)]
            return
        hw_ok, why = _hardware() if hardware else (False, "")
        if hardware and hw_ok:
            self.regions = [("perf", [e.name for e in parsed])]
            return
        if hardware and wants_instr and _under_callgrind():
            others = [h for h in hardware if h != "instructions"]
            if others:
                self.unavailable = (
                    f"{', '.join(others)} need a hardware PMU ({why}); callgrind counts "
                    "instructions only"
                )
                return
            # software events outside, callgrind's instructions inside (so the
            # instruction count does not include the software group's reads)
            if software:
                self.regions.append(("software", software))
            self.regions.append(("valgrind", None))
            return
        if hardware:
            self.unavailable = (
                f"{', '.join(hardware)}: {why}, and pytest is not running under callgrind "
                "(run it as `valgrind --tool=callgrind --instr-atstart=no python -m pytest "
                "--perfcount`) or qemu (`python -m perfcount pytest`)"
            )
            return
        self.regions = [("software", software)]


def _hardware() -> tuple[bool, str]:
    from perfcount.counters.region import hardware_available

    return hardware_available()


def _under_callgrind() -> bool:
    from perfcount.counters.backends.valgrind import ValgrindBackend

    return ValgrindBackend.running_under_callgrind()


def _under_qemu() -> bool:
    """This pytest runs under qemu-x86_64 with perfcount's plugin answering region reads."""
    from perfcount.counters.qemu import running_regions

    return running_regions()


def _default_backend(backend: str, events: list[str] | None) -> str:
    """``auto`` under qemu is ``qemu`` for instructions (nothing else opens there)."""
    if backend == "auto" and (not events or events == ["instructions"]) and _under_qemu():
        return "qemu"
    return backend


@contextmanager
def _measured(plan: _Plan) -> Iterator[dict[str, Any]]:
    """Open ``plan``'s regions (outermost first) around the body; yield the counts dict."""
    from perfcount.counters.region import measure

    out: dict[str, Any] = {"values": {}, "backends": []}
    ms = [measure(events, backend=backend) for backend, events in plan.regions]
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        with ExitStack() as stack:
            for m in ms:
                stack.enter_context(m)
            yield out
    finally:
        if gc_was_enabled:
            gc.enable()
        for m in ms:
            try:
                counts = m.counts
            except PerfcountError:
                continue
            out["values"].update(counts.data)
            out["backends"].append(counts.backend)
            out.setdefault("counts", []).append(counts.to_dict())


def _verdict(values: dict[str, Any], budgets: dict[str, float]) -> list[str]:
    over = []
    for name, limit in budgets.items():
        v = values.get(name)
        if v is not None and v > limit:
            over.append(f"{name} = {v:,.0f} > max_{name.replace('-', '_')} = {limit:,.0f}")
    return over


# ---------------------------------------------------------------------------
# The plugin object (one per session)


class PerfcountPlugin:
    """Session state: enabled?, measurements, unchecked budgets."""

    def __init__(
        self, config: pytest.Config, *, enabled: bool, unavailable: str, backend: str = "auto"
    ) -> None:
        self.config = config
        self.enabled = enabled
        self.unavailable = unavailable
        #: the default backend of markers and the fixture (--perfcount-backend)
        self.backend = backend
        self.records: list[dict[str, Any]] = []
        self.unchecked: list[str] = []

    # -- marker --------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Any:
        marker = pyfuncitem.get_closest_marker("perfcount")
        if marker is None:
            return (yield)
        if not self.enabled:
            self.unchecked.append(pyfuncitem.nodeid)
            return (yield)
        where = f"@pytest.mark.perfcount on {pyfuncitem.nodeid}"
        if marker.args:
            pytest.fail(f"{where}: takes keyword arguments only (max_<event>=N)", pytrace=False)
        kwargs = dict(marker.kwargs)
        extra = kwargs.pop("events", None)
        # the session's default: under qemu "auto" is qemu for instructions, and other
        # events get a reason instead of a misused-marker failure
        backend = kwargs.pop("backend", "auto" if self.backend == "qemu" else self.backend)
        if isinstance(extra, str):
            extra = [e for e in extra.split(",") if e.strip()]
        try:
            budgets = _budgets(kwargs, where)
            events = list(dict.fromkeys([*budgets, *(extra or [])]))
            plan = _Plan(events, backend)
        except PerfcountError as exc:  # a misused marker: fail this test, clearly
            pytest.fail(str(exc) if where in str(exc) else f"{where}: {exc}", pytrace=False)
        record: dict[str, Any] = {
            "nodeid": pyfuncitem.nodeid,
            "kind": "marker",
            "label": None,
            "budgets": budgets,
        }
        self.records.append(record)
        if plan.unavailable:
            record["unavailable"] = plan.unavailable
            result = yield  # the test still runs; its own assertions still count
            record["verdict"] = "unchecked"
            self._unavailable(pyfuncitem.nodeid, budgets, plan.unavailable)
            return result
        with _measured(plan) as measured:
            result = yield
        record["values"] = measured["values"]
        record["backend"] = "+".join(measured["backends"])
        record["counts"] = measured.get("counts", [])
        over = _verdict(measured["values"], budgets)
        record["verdict"] = "over" if over else "ok"
        if over:
            raise BudgetExceeded(
                "perfcount budget exceeded: " + "; ".join(over) + f" (backend {record['backend']})"
            )
        return result

    def _unavailable(self, nodeid: str, budgets: dict[str, float], why: str) -> None:
        names = ", ".join(f"max_{n.replace('-', '_')}" for n in budgets) or "events"
        msg = f"perfcount budget {names} not checked: {why}"
        if self.unavailable == "fail":
            pytest.fail(msg, pytrace=False)
        if self.unavailable == "skip":
            pytest.skip(msg)
        self.unchecked.append(f"{nodeid}: {msg}")

    # -- fixture support ----------------------------------------------------
    def record_fixture(self, record: dict[str, Any]) -> None:
        self.records.append(record)

    # -- reporting -----------------------------------------------------------
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        tr = terminalreporter
        marked = [r for r in self.records if r["kind"] == "marker" and "values" in r]
        if marked:
            tr.section("perfcount budgets")
            for r in marked:
                for name, limit in r["budgets"].items():
                    v = r["values"].get(name)
                    shown = "not counted" if v is None else f"{v:,.0f}"
                    flag = "OVER" if v is not None and v > limit else "ok"
                    tr.write_line(
                        f"{flag:4} {r['nodeid']}: {name} {shown} / {limit:,.0f} ({r['backend']})"
                    )
        if self.unchecked:
            if self.enabled:
                tr.section("perfcount: budgets not checked")
                for line in self.unchecked:
                    tr.write_line(line)
            else:
                n = len(self.unchecked)
                tr.write_line(
                    f"perfcount: {n} budget{'s' if n != 1 else ''} not checked "
                    "(enable with --perfcount or ini `perfcount = true`)"
                )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.getoption("perfcount_json")
        if not path:
            return
        from perfcount._version import __version__

        data = {
            "format": "perfcount-pytest",
            "format_version": 1,
            "perfcount": __version__,
            "measurements": self.records,
        }
        write_atomic(path, json.dumps(data, indent=1, default=str) + "\n")


# ---------------------------------------------------------------------------
# The fixture


@pytest.fixture
def perfcount(request: pytest.FixtureRequest) -> Any:
    """A factory of measured blocks: ``with perfcount(events=..., label=..., max_x=N) as m:``.

    ``m`` is the :class:`perfcount.measure` object (``m.counts`` after the
    block). Budgets ``max_<event>=N`` are checked when the block exits
    (:class:`BudgetExceeded`, an ``AssertionError``). Every block is recorded
    for ``--perfcount-json``.
    """
    from perfcount.counters.region import measure

    plugin: PerfcountPlugin | None = request.config.stash.get(_KEY, None)
    nodeid = request.node.nodeid

    @contextmanager
    def block(
        events: str | list[str] | None = None,
        *,
        backend: str | None = None,
        label: str | None = None,
        **budget_kwargs: Any,
    ) -> Iterator[Any]:
        budgets = _budgets(budget_kwargs, f"perfcount fixture in {nodeid}")
        if isinstance(events, str):
            events = [e for e in events.split(",") if e.strip()]
        if budgets:
            events = list(dict.fromkeys([*(events or []), *budgets]))
        if backend is None:
            backend = plugin.backend if plugin is not None else "auto"
            backend = "auto" if backend == "qemu" else backend  # see pytest_pyfunc_call
        m = measure(events, backend=_default_backend(backend, events))
        with m:
            yield m
        counts = m.counts
        over = _verdict(dict(counts.data), budgets)
        if plugin is not None:
            plugin.record_fixture(
                {
                    "nodeid": nodeid,
                    "kind": "fixture",
                    "label": label,
                    "budgets": budgets,
                    "values": dict(counts.data),
                    "backend": counts.backend,
                    "counts": [counts.to_dict()],
                    "verdict": "over" if over else "ok",
                }
            )
        if over:
            raise BudgetExceeded(
                "perfcount budget exceeded"
                + (f" in {label!r}" if label else "")
                + ": "
                + "; ".join(over)
                + f" (backend {counts.backend})"
            )

    return block
