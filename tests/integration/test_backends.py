"""The measured path: backends valgrind / perf / software / auto through the runner.

Valgrind tests keep workloads tiny (a few million instructions): callgrind
runs instrumented code ~50x slower.
"""

from __future__ import annotations

import json
import os
import signal
import threading

import pytest

from perfcount._util import plain
from perfcount.counters.backends import select
from perfcount.errors import BackendError, CounterUnavailable, InvalidArgument
from perfcount.execute.runner import Profile, Runner, profile

LOOP = """
def f(n):
    d = {}
    for i in range(n):
        d[str(i)] = i * i
    return sum(d.values())
"""

HEAVY_MODULE = (
    """
import json, decimal
TABLE = [str(i) * 3 for i in range(200_000)]   # module-level work: not counted
SETUP = sum(len(s) for s in TABLE)
"""
    + LOOP
)


@pytest.fixture(scope="module")
def vg():
    # drop_root=False: lets a candidate kill its server (the restart path is tested here)
    with Runner("valgrind", timeout=2, memory_mb=512, drop_root=False) as r:
        yield r


@pytest.mark.needs_valgrind
def test_valgrind_counts_are_repeatable(vg):
    costs = [vg.profile(LOOP, "f", [[2000]]).cost for _ in range(3)]
    assert all(c is not None and c > 100_000 for c in costs), costs
    assert (max(costs) - min(costs)) / min(costs) <= 1e-5, costs


@pytest.mark.needs_valgrind
def test_valgrind_profile_fields(vg):
    p = vg.profile(LOOP, "f", [[100], [200]])
    assert p.status == "ok", p.error
    assert p.backend == "valgrind" and p.metric == "instructions"
    assert p.counts.backend == "valgrind" and p.counts["instructions"] == p.cost
    assert p.outputs == [sum(i * i for i in range(100)), sum(i * i for i in range(200))]
    assert p.repeats == 1 and p.wall_ns > 0
    # JSON round trip of the whole result
    again = Profile.from_dict(json.loads(json.dumps(p.to_dict())))
    assert again == p


@pytest.mark.needs_valgrind
def test_valgrind_count_is_linear_in_workload(vg):
    one = vg.profile(LOOP, "f", [[2000]]).cost
    two = vg.profile(LOOP, "f", [[4000]]).cost
    assert 1.8 <= two / one <= 2.2, (one, two)


@pytest.mark.needs_valgrind
def test_module_level_setup_and_warmup_are_not_counted(vg):
    plain_cost = vg.profile(LOOP, "f", [[2000]]).cost
    heavy = vg.profile(HEAVY_MODULE, "f", [[2000]], warmup=2)
    assert heavy.status == "ok", heavy.error
    # the module builds 200k strings (tens of millions of instructions);
    # only the calls are inside the region
    assert abs(heavy.cost - plain_cost) / plain_cost < 0.02, (plain_cost, heavy.cost)


@pytest.mark.needs_valgrind
def test_valgrind_statuses(vg):
    # 0.05 native seconds -> 2.5 s under valgrind (VALGRIND_TIMEOUT_FACTOR)
    t = vg.profile("def f():\n    while True:\n        pass\n", "f", [[]], timeout=0.05)
    assert t.status == "timeout" and t.cost is None and "2.5 s" in t.error
    m = vg.profile("def f():\n    return len(bytearray(20 * 2**30))\n", "f", [[]])
    assert m.status == "memory", m.error
    # memory_mb is on top of valgrind's own ~120 MiB: 400 MiB still fit in 512
    # (allocated at module level: un-instrumented, so the 400 MiB memset stays cheap)
    big_src = "BUF = bytearray(400 << 20)\ndef f():\n    return len(BUF) >> 20\n"
    big = vg.profile(big_src, "f", [[]])
    assert big.status == "ok" and big.outputs == [400], big.error
    c = vg.profile("import os\ndef f():\n    os.abort()\n", "f", [[]])
    assert c.status == "crashed" and "SIGABRT" in c.error
    e = vg.profile("def f():\n    raise KeyError('nope')\n", "f", [[]])
    assert e.status == "failed" and "KeyError: 'nope'" in e.error
    # still measuring afterwards
    assert vg.profile(LOOP, "f", [[10]]).status == "ok"


@pytest.mark.needs_valgrind
def test_valgrind_server_killed_during_a_candidate_is_restarted(vg):
    # the zygote is killed from outside: a candidate cannot name it from its pid namespace
    assert vg.profile(LOOP, "f", [[10]]).status == "ok"
    server = vg._servers["valgrind"]
    zygote = next(iter(server._own_pids - {server.pid}))
    timer = threading.Timer(1.0, os.kill, (zygote, signal.SIGKILL))
    timer.start()
    p = vg.profile("import time\ndef f():\n    time.sleep(60)\n", "f", [[]])
    timer.join()
    assert p.status == "crashed" and "fork server died" in p.error
    assert vg.profile(LOOP, "f", [[10]]).status == "ok"


@pytest.mark.needs_valgrind
@pytest.mark.parametrize(
    "body, why",
    [
        ("_native.callgrind_stop('perfcount')\n    _native.callgrind_start()", "dumped"),
        ("_native.callgrind_zero()", "zeroed"),
        ("_native.callgrind_begin_candidate()\n    _native.callgrind_zero()", "zeroed"),
    ],
)
def test_candidate_touching_its_own_callgrind_count_is_refused(vg, body, why):
    # the count is switched on by the harness once and read off valgrind's log at exit:
    # a client request that dumps, zeroes or switches it shows there
    src = f"from perfcount import _native\ndef f():\n    {body}\n    return sum(range(10_000))\n"
    p = vg.profile(src, "f", [[]])
    assert p.status == "failed" and "cannot be trusted" in p.error and why in p.error, p.error
    assert p.cost is None
    assert vg.profile(LOOP, "f", [[10]]).status == "ok"


@pytest.mark.needs_valgrind
def test_check_uses_a_native_server(vg):
    c = vg.check(LOOP, "f", [[3], [4]], [5, 14])
    assert c.passed
    assert "native" in vg._servers  # correctness never pays for valgrind


def test_software_backend_repeats_and_reports_cv():
    with Runner("software", repeats=3, timeout=10) as r:
        assert r.metric == "task-clock"
        p = r.profile(LOOP, "f", [[3000]])
    assert p.status == "ok", p.error
    assert p.backend == "software" and p.repeats == 3
    assert p.cost > 0 and p.cv is not None and p.cv >= 0
    assert p.counts["task-clock"] == p.cost
    assert p.outputs == [plain.encode(sum(i * i for i in range(3000)))]


def test_perf_backend_with_software_events():
    p = profile(
        LOOP, "f", [[3000]], backend="perf", events=["task-clock", "page-faults"], timeout=10
    )
    assert p.status == "ok", p.error
    assert p.metric == "task-clock" and p.backend == "perf"
    assert set(p.counts) == {"task-clock", "page-faults"}
    assert p.cost == p.counts["task-clock"] > 0


def test_perf_hardware_unavailable_is_a_clear_error():
    try:
        select("perf")[0].check_available()
    except CounterUnavailable as exc:
        assert "valgrind" in str(exc)  # the hint names the way out
        with pytest.raises(CounterUnavailable):
            Runner("perf")
    else:
        pytest.skip("a hardware PMU is present here")


@pytest.mark.needs_pmu
def test_perf_hardware_instructions():
    with Runner("perf", timeout=10) as r:
        one = r.profile(LOOP, "f", [[20000]])
        two = r.profile(LOOP, "f", [[40000]])
    assert one.metric == "instructions" and one.status == "ok"
    assert 1.7 <= two.cost / one.cost <= 2.3


def test_select_auto_names_backend_and_reason():
    chosen, why = select("auto")
    assert chosen.name in ("perf", "qemu", "valgrind", "software") and why
    chosen, why = select("valgrind")
    assert (chosen.name, why) == ("valgrind", "backend 'valgrind' was requested")
    with pytest.raises(InvalidArgument, match="unknown backend"):
        select("gpu-magic")
    with pytest.raises(InvalidArgument, match="instructions only"):
        select("valgrind", ["task-clock"])
    with pytest.raises(InvalidArgument, match="software events only"):
        select("software", ["instructions"])
    # in this process, valgrind needs callgrind around it; auto never picks it then
    with pytest.raises(BackendError, match="run under callgrind"):
        select("valgrind", in_process=True)
    assert select("auto", in_process=True)[0].name in ("perf", "software")
    assert select("auto", ["task-clock"])[0].name == "software"


def test_every_caller_shares_one_default_per_backend():
    """The runner, the command runner and measure() agree on each backend's events."""
    from perfcount.counters.region import measure
    from perfcount.execute.commands import CommandRunner, CommandSpec

    software = select("software")[0].events
    assert software[0] == "task-clock"
    with CommandRunner(CommandSpec.create("c"), "software") as cr:
        assert cr.events == software and cr.metric == "task-clock"
    with Runner("software", timeout=5, verify=False) as r:
        assert r._backend.events == software
    assert [e.name for e in measure(backend="software")._events] == software


def test_runner_reports_backend_reason():
    with Runner("auto", timeout=5, verify=False) as r:
        chosen, why = select("auto")
        assert (r.backend, r.reason) == (chosen.name, why)
        assert r.metric in ("instructions", "task-clock")


# -- cachegrind (valgrind >= 3.22) ---------------------------------------------------
def _cachegrind_reason() -> str | None:
    from perfcount.counters.backends.cachegrind import CachegrindBackend

    try:
        CachegrindBackend().check_available()
    except BackendError as exc:
        return str(exc).splitlines()[0]
    return None


def test_cachegrind_says_which_valgrind_it_needs():
    from perfcount import _native
    from perfcount.counters.backends.cachegrind import MIN_VERSION, valgrind_version

    found = valgrind_version()
    if found is not None and found[:2] >= MIN_VERSION and _native.HAVE_CACHEGRIND_REQUESTS:
        pytest.skip(f"valgrind {found} provides cachegrind's client requests here")
    why = _cachegrind_reason()
    assert why is not None
    if found is not None and found[:2] < MIN_VERSION:
        shown = ".".join(map(str, found))
        assert "needs valgrind >= 3.22" in why and f"found valgrind {shown}" in why, why
    with pytest.raises(BackendError, match="cachegrind"):
        Runner("cachegrind", timeout=5)
    # built without valgrind/cachegrind.h: the request itself refuses, naming the version
    if not _native.HAVE_CACHEGRIND_REQUESTS:
        with pytest.raises(BackendError, match=r"valgrind >= 3\.22"):
            _native.cachegrind_begin_candidate()
    with pytest.raises(BackendError, match="fork server"):
        select("cachegrind", in_process=True)
    with pytest.raises(InvalidArgument, match="instructions only"):
        select("cachegrind", ["task-clock"])


def test_cachegrind_log_reading():
    """valgrind's log of one process, in the words of cachegrind 3.22+ (cg_main.c)."""
    from perfcount.counters.backends.cachegrind import log_count

    ok = "==42== Cache configuration used:\n==42== \n==42== I refs:        1,234,567\n"
    assert log_count(ok, 42) == (1_234_567, "", False)
    assert log_count(ok.replace("I refs:", "I   refs:"), 42)[0] == 1_234_567  # <= 3.21 spacing
    # a START while counting: the candidate issued the request itself
    warned = (
        "--42-- warning: CACHEGRIND_START_INSTRUMENTATION called,\n"
        "--42--          but instrumentation is already enabled\n" + ok
    )
    count, why, tampered = log_count(warned, 42)
    assert (count, tampered) == (None, True) and "START" in why
    assert log_count("**42** hello\n" + ok, 42)[2] is True  # VALGRIND_PRINTF
    # no total: the process did not end under valgrind (killed, or exec'd)
    assert log_count("==42== Cache configuration used:\n", 42) == (
        None,
        "process 42 did not end under valgrind (it ran another program, or it was killed), "
        "so its work was not counted",
        False,
    )


def test_cachegrind_counts_are_repeatable(monkeypatch):
    # a valgrind >= 3.22 for this run only, where the system's is older (test_conformance)
    newer = os.environ.get("PERFCOUNT_TEST_CACHEGRIND_VALGRIND")
    if newer:
        monkeypatch.setenv("PERFCOUNT_VALGRIND", newer)
    why = _cachegrind_reason()
    if why:
        pytest.skip(f"cachegrind backend unavailable: {why}")
    with Runner("cachegrind", timeout=5) as r:
        costs = [r.profile(LOOP, "f", [[2000]]).cost for _ in range(2)]
        more = r.profile(LOOP, "f", [[4000]])
    assert costs[0] == costs[1] and costs[0] > 100_000, costs
    assert more.status == "ok" and more.cost > costs[0]
