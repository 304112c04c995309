"""measure()/count() and the native group, against real perf_event syscalls.

Software events (task-clock, page-faults) run for real here; hardware events
assert the clear "unavailable" error where there is no PMU and run for real
(needs_pmu) where there is one.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import perfcount
from perfcount import _native
from perfcount.counters.events import parse_event
from perfcount.counters.region import Counts, CountSummary, close_groups, count, measure
from perfcount.errors import (
    BackendError,
    CounterUnavailable,
    GpuError,
    InvalidArgument,
    PerfcountError,
)


def perf_fds() -> set[str]:
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:[perf_event]":
                out.add(fd)
        except OSError:
            pass
    return out


def child_pids() -> set[str]:
    pids: set[str] = set()
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            pids.update(Path(f"/proc/self/task/{tid}/children").read_text().split())
    return pids


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """No counter fds (once the per-thread group cache is closed) and no children left."""
    close_groups()
    before_fds, before_children = perf_fds(), child_pids()
    yield
    close_groups()
    gc.collect()
    assert perf_fds() == before_fds, "perf_event fds left open"
    assert child_pids() <= before_children, "child processes left behind"


def busy(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


# --- software events: real counts ---------------------------------------------------


def test_task_clock_grows_with_work() -> None:
    # interleaved pairs, and the median of the pairs' ratios: load on a shared machine
    # comes in bursts of seconds, so the two runs of one pair see about the same load.
    # (Measured one size after the other, a burst during one size made the ratio swing;
    # the minimum of each size failed when one run of one size alone hit a quiet moment:
    # 8.4 ms against a typical 14 ms, ratio 2.7.)
    ones, twos = [], []
    for _ in range(7):
        ones.append(count(busy, 200_000, repeat=1, warmup=1, events=["task-clock"])["task-clock"])
        twos.append(count(busy, 400_000, repeat=1, warmup=1, events=["task-clock"])["task-clock"])
    assert min(ones) > 0
    ratio = statistics.median(b / a for a, b in zip(ones, twos))
    assert 1.5 <= ratio <= 2.5, (ratio, ones, twos)


def test_page_faults_grow_when_touching_fresh_pages() -> None:
    with measure(["page-faults"]) as small:
        a = b"\x01" * (4 << 20)
    with measure(["page-faults"]) as big:
        b = b"\x01" * (32 << 20)
    del a, b
    pages = (32 << 20) // os.sysconf("SC_PAGE_SIZE")
    assert big.counts["page-faults"] >= pages // 4
    assert big.counts["page-faults"] > 4 * small.counts["page-faults"]


def test_context_manager_counts_and_metadata() -> None:
    with measure(["task-clock", "page-faults"], backend="software") as m:
        busy(50_000)
    c = m.counts
    assert isinstance(c, Counts)
    assert set(c) == {"task-clock", "page-faults"}
    assert c.task_clock == c["task-clock"] > 0
    assert c.backend == "software"
    assert c.scaled == frozenset() and c.not_counted == frozenset()
    assert set(c.overhead) == {"task-clock", "page-faults"}
    assert c.overhead["task-clock"] > 0  # the reads themselves take time
    assert Counts.from_dict(c.to_dict()) == c
    assert pickle.loads(pickle.dumps(c)) == c  # crosses process boundaries as data
    assert m.counts is c  # built once


def test_empty_region_is_never_negative_after_subtraction() -> None:
    m = measure(["task-clock", "page-faults"])
    for _ in range(200):
        with m:
            pass
        assert all(v >= 0 for v in m.counts.values())


def test_auto_backend_records_its_reason() -> None:
    with measure() as m:
        busy(1000)
    c = m.counts
    if _native.hardware_pmu_present():
        assert c.backend in ("perf", "software")
    else:
        assert c.backend == "software"
        assert "instruction counter does not open" in c.backend_reason
        assert set(c) >= {"task-clock", "page-faults"}


def test_decorator_measures_each_call() -> None:
    m = measure(["task-clock"])

    @m
    def work(n: int) -> int:
        return busy(n)

    assert work.counts is None
    assert work(1000) == busy(1000)
    first = work.counts
    assert isinstance(first, Counts) and first is m.counts
    work(200_000)
    assert work.counts["task-clock"] > first["task-clock"]
    assert work.__name__ == "work"

    @measure(["page-faults"])
    def plain() -> str:
        return "x"

    assert plain() == "x"
    assert set(plain.counts) == {"page-faults"}


def test_decorated_recursion_and_nested_regions() -> None:
    m = measure(["task-clock"])

    @m
    def fib(n: int) -> int:
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    assert fib(12) == 144
    assert fib.counts["task-clock"] > 0

    with measure(["task-clock"]) as outer:
        busy(20_000)
        with measure(["task-clock"]) as inner:
            busy(100_000)
        busy(20_000)
    assert outer.counts["task-clock"] >= inner.counts["task-clock"] > 0


def test_regions_must_nest() -> None:
    group = _native.Group([parse_event("task-clock").native()])
    try:
        a = group.begin()
        b = group.begin()
        with pytest.raises(InvalidArgument, match="must nest"):
            group.end(a)
        group.end(b)
        group.end(a)
        assert group.depth == 0
        with pytest.raises(InvalidArgument, match="must nest"):
            group.end(1)
    finally:
        group.close()


def test_exception_inside_region_still_records() -> None:
    m = measure(["task-clock"])
    with pytest.raises(KeyError), m:
        busy(10_000)
        raise KeyError("boom")
    assert m.counts["task-clock"] >= 0
    with m:  # the object is usable again
        pass


def test_threads_started_inside_the_region_are_counted() -> None:
    spent: list[float] = []

    def worker() -> None:
        t0 = time.thread_time()
        busy(400_000)
        spent.append(time.thread_time() - t0)

    def region(inherit: bool) -> float:
        with measure(["task-clock"], inherit=inherit) as m:
            t = threading.Thread(target=worker)
            t.start()
            t.join()
        return m.counts["task-clock"] / 1e9

    with_inherit = region(True)
    without = region(False)
    assert with_inherit >= 0.8 * spent[0], (with_inherit, spent)
    assert without < 0.5 * spent[1], (without, spent)


def test_child_processes_started_inside_the_region_are_counted() -> None:
    code = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.2: pass\n"
    with measure(["task-clock"]) as m:
        subprocess.run([sys.executable, "-S", "-c", code], check=True)
    assert m.counts["task-clock"] >= 0.18e9


def test_counts_in_other_threads_and_after_fork() -> None:
    m = measure(["task-clock"])
    with m:
        busy(1000)
    results: list[float] = []

    def other() -> None:
        with m:
            busy(50_000)
        results.append(m.counts["task-clock"])

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert results and results[0] > 0

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the parent's cached group must not be used
        try:
            with m:
                busy(50_000)
            os.write(w, str(m.counts["task-clock"]).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = os.read(r, 100)
    os.close(r)
    os.waitpid(pid, 0)
    assert float(data) > 0


def _threads_one_after_another(region: Callable[[], float], n: int = 10) -> list[float]:
    """``region()`` in N threads started one after another (their idents get recycled)."""
    results: list[float] = []
    idents: set[int] = set()

    def worker() -> None:
        idents.add(threading.get_ident())
        results.append(region())

    for _ in range(n):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert len(results) == n
    return results


def test_one_measure_object_in_threads_started_one_after_another() -> None:
    # glibc reuses an exited thread's stack and descriptor: the next thread
    # usually gets the same ident, and a region bound by ident would keep
    # reading the dead thread's group (zeros)
    m = measure(["task-clock"])
    before = perf_fds()

    def region() -> float:
        with m:
            busy(30_000)
        return m.counts["task-clock"]

    results = _threads_one_after_another(region)
    assert all(v > 0 for v in results), results
    # a dead thread's cached group is closed with the thread, even though m
    # still references it: no counter fds kept alive by the measure object
    assert perf_fds() == before
    with m:  # and the object still works in this thread
        busy(30_000)
    assert m.counts["task-clock"] > 0


def test_python_twin_of_the_region_rebinds_in_a_new_thread() -> None:
    from perfcount.counters import region as region_module
    from perfcount.counters.events import parse_events

    events = parse_events("task-clock")

    class Twin(region_module._PyRegion):
        __slots__ = ()

        def _bind(self) -> None:
            self._group = region_module._entry_for(events, True).group

    twin = Twin()

    def region() -> float:
        with twin:
            busy(30_000)
        return twin._raw[0][0]

    results = _threads_one_after_another(region)
    assert all(v > 0 for v in results), results


def test_a_cycle_through_the_native_region_fields_is_collected() -> None:
    import weakref

    m = measure(["task-clock"])
    with m:
        pass
    m._counts = [m]  # a cycle through a C-level field of the native base
    ref = weakref.ref(m)
    del m
    gc.collect()
    assert ref() is None, "the region's C fields are not traversed by the GC"


def test_group_reuse_has_no_fd_leak() -> None:
    with measure(["task-clock", "page-faults"]):
        pass
    baseline = len(os.listdir("/proc/self/fd"))
    m = measure(["task-clock", "page-faults"])
    for _ in range(10_000):
        with m:
            pass
    for _ in range(500):
        with measure(["task-clock", "page-faults"]):
            pass
    assert len(os.listdir("/proc/self/fd")) == baseline


def test_group_closed_on_close_with_and_gc() -> None:
    before = perf_fds()
    spec = [parse_event(n).native() for n in ("task-clock", "page-faults")]
    g = _native.Group(spec)
    assert len(g) == 2 and g.names == ("task-clock", "page-faults")
    assert len(perf_fds() - before) == 2
    assert g.grouped and not g.rdpmc  # software events never offer rdpmc
    assert g.read_rdpmc() is None
    g.close()
    assert g.closed and perf_fds() == before
    with pytest.raises(InvalidArgument, match="closed"):
        g.read()
    with _native.Group(spec) as g2:
        assert len(perf_fds() - before) == 2
        values, enabled, running = g2.read_syscall()
        assert len(values) == 2 and enabled == running
    assert perf_fds() == before
    g3 = _native.Group(spec)
    assert perf_fds() != before
    del g3
    gc.collect()
    assert perf_fds() == before


def test_one_fd_per_event_fallback_path() -> None:
    # what a kernel that rejects inherit + PERF_FORMAT_GROUP gets: separate fds
    before = perf_fds()
    spec = [parse_event(n).native() for n in ("task-clock", "page-faults")]
    with _native.Group(spec, group=False) as g:
        assert not g.grouped and len(perf_fds() - before) == 2
        t = g.begin()
        data = b"\x01" * (8 << 20)
        values, scaled, not_counted = g.end(t)
        del data
        assert values[0] > 0 and values[1] >= 1000
        assert scaled == 0 and not_counted == 0
        _, enabled, running = g.read()
        assert len(enabled) == 2 and enabled == running
    assert perf_fds() == before


def test_read_reset_enable_disable() -> None:
    with _native.Group([parse_event("task-clock").native()], start_enabled=False) as g:
        assert g.read()[0] == (0,)
        g.enable()
        busy(20_000)
        g.disable()
        v1 = g.read()[0][0]
        busy(20_000)
        assert g.read()[0][0] == v1 > 0  # disabled: no counting
        g.reset()
        assert g.read()[0][0] == 0


def test_count_summary_statistics() -> None:
    seen_gc: list[bool] = []

    def fn(n: int, *, scale: int = 1) -> int:
        seen_gc.append(gc.isenabled())
        return busy(n * scale)

    assert gc.isenabled()
    s = count(fn, 10_000, repeat=4, warmup=2, events="task-clock,page-faults", scale=2)
    assert isinstance(s, CountSummary)
    assert gc.isenabled()
    assert seen_gc == [True, True, False, False, False, False]  # warmups, then regions
    assert s.result == busy(20_000)
    assert len(s.runs) == 4 and s.names == ("task-clock", "page-faults")
    tc = s.values("task-clock")
    assert len(tc) == 4
    assert s.min["task-clock"] == min(tc)
    assert s.min["task-clock"] <= s["task-clock"] == s.median["task-clock"] <= max(tc)
    assert s.cv["task-clock"] >= 0
    assert s.overhead["task-clock"] > 0
    d = s.to_dict()
    assert d["repeat"] == 4 and len(d["runs"]) == 4
    assert "task-clock" in repr(s)


def test_gpu_absent_gives_a_reason() -> None:
    with measure(["task-clock"], gpu=True) as m:
        pass
    assert m.counts.gpu is None
    assert m.counts.gpu_reason
    with pytest.raises(GpuError), measure(["task-clock"], gpu="required"):
        pass


# --- errors ----------------------------------------------------------------------------


def test_no_pmu_error_names_the_fix() -> None:
    if _native.hardware_pmu_present():
        pytest.skip("a hardware PMU exists here; the no-PMU error path cannot happen")
    with pytest.raises(CounterUnavailable) as info, measure(["instructions"], backend="perf"):
        pass
    err = info.value
    assert err.errno == 2  # ENOENT
    assert "no hardware PMU is exposed (VM?)" in err.hint
    assert "backend='valgrind'" in err.hint
    assert "'instructions'" in str(err)
    for raw in ("r01c2", "LLC-load-misses", "cycles:k"):
        with pytest.raises(CounterUnavailable):
            _native.Group([parse_event(raw).native()])


def _in_child(fn: Callable[[], str]) -> str:
    """Run ``fn`` in a forked child (to change its credentials/limits); its result text."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            text = fn()
        except BaseException as exc:
            text = f"{type(exc).__name__}: {exc}"
        try:
            os.write(w, text.encode())
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while chunk := os.read(r, 65536):
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


def _open(spec: str) -> str:
    with _native.Group([parse_event(spec).native()]):
        return "opened"


# --- kernels this machine is not: emulated with seccomp filters ---------------------
#
# A seccomp filter installed in a forked child makes its system calls answer
# the way another kernel (or PMU) would, so the real code paths run against
# that answer. x86-64 only (system call numbers and seccomp_data offsets).

NR_IOCTL, NR_PERF_EVENT_OPEN, NR_SECCOMP = 16, 298, 317
PERF_EVENT_IOC_ENABLE = 0x2400
PERF_FLAG_FD_CLOEXEC = 8
EINVAL, EPERM = 22, 1
_LD_ABS, _JEQ, _JSET, _RET = 0x20, 0x15, 0x45, 0x06
_ALLOW, _ERRNO, _USER_NOTIF = 0x7FFF0000, 0x00050000, 0x7FC00000
_AUDIT_ARCH_X86_64 = 0xC000003E


def _arg_low(i: int) -> int:
    """Offset of the low 32 bits of system call argument I in struct seccomp_data."""
    return 16 + 8 * i


def _seccomp(body: list[tuple[int, int, int, int]], *, listener: bool = False) -> int:
    """Install a filter: arch check, then BODY (BPF over seccomp_data), default allow."""
    import ctypes

    class SockFilter(ctypes.Structure):
        _fields_ = [
            ("code", ctypes.c_uint16),
            ("jt", ctypes.c_uint8),
            ("jf", ctypes.c_uint8),
            ("k", ctypes.c_uint32),
        ]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(SockFilter))]

    program = [(_LD_ABS, 0, 0, 4), (_JEQ, 1, 0, _AUDIT_ARCH_X86_64), (_RET, 0, 0, _ALLOW)]
    program += [*body, (_RET, 0, 0, _ALLOW)]
    filters = (SockFilter * len(program))(*(SockFilter(*insn) for insn in program))
    prog = SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    flags = 8 if listener else 0  # SECCOMP_FILTER_FLAG_NEW_LISTENER
    fd = libc.syscall(
        ctypes.c_long(NR_SECCOMP), ctypes.c_long(1), ctypes.c_long(flags), ctypes.byref(prog)
    )
    if fd < 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER)")
    return int(fd)


def _when_syscall(
    nr: int, then: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    """BPF: if the system call is NR run THEN (which must return), else fall through to allow."""
    return [(_LD_ABS, 0, 0, 0), (_JEQ, 0, len(then), nr), *then]


def _errno(err: int) -> tuple[int, int, int, int]:
    return (_RET, 0, 0, _ERRNO | err)


needs_x86_64 = pytest.mark.skipif(
    os.uname().machine != "x86_64", reason="the seccomp programs here are x86-64 ones"
)


def _perf_fd_count() -> int:
    return len(perf_fds())


@needs_x86_64
def test_enable_failing_in_the_constructor_leaks_no_fds() -> None:
    # PERF_EVENT_IOC_ENABLE refused (as a seccomp profile may): the
    # constructor throws after opening the fds, and must close them
    def body() -> str:
        rule = [(_LD_ABS, 0, 0, _arg_low(1)), (_JEQ, 0, 1, PERF_EVENT_IOC_ENABLE), _errno(EPERM)]
        rule.append((_RET, 0, 0, _ALLOW))
        _seccomp(_when_syscall(NR_IOCTL, rule))
        before = _perf_fd_count()
        try:
            _native.Group([parse_event(n).native() for n in ("task-clock", "page-faults")])
        except PerfcountError as exc:
            return f"{type(exc).__name__}: {exc} | leaked {_perf_fd_count() - before}"
        return "opened"

    text = _in_child(body)
    assert text.startswith("BackendError: PERF_EVENT_IOC_ENABLE failed"), text
    assert text.endswith("| leaked 0"), text


@needs_x86_64
def test_a_member_the_kernel_refuses_is_an_error_not_a_silent_split() -> None:
    # x86 validate_group refuses a member that cannot be scheduled with its
    # group (EINVAL, group_fd != -1); splitting the group into independent,
    # separately multiplexed events would silently break ratios such as IPC
    def body() -> str:
        rule = [(_LD_ABS, 0, 0, _arg_low(3)), (_JEQ, 1, 0, 0xFFFFFFFF), _errno(EINVAL)]
        rule.append((_RET, 0, 0, _ALLOW))
        _seccomp(_when_syscall(NR_PERF_EVENT_OPEN, rule))
        before = _perf_fd_count()
        try:
            g = _native.Group([parse_event(n).native() for n in ("task-clock", "page-faults")])
        except PerfcountError as exc:
            return f"{type(exc).__name__}: {exc} | leaked {_perf_fd_count() - before}"
        return f"opened, grouped={g.grouped}"

    text = _in_child(body)
    assert text.startswith("InvalidArgument: cannot add perf event 'page-faults'"), text
    assert text.endswith("| leaked 0"), text


@needs_x86_64
def test_kernels_without_perf_flag_fd_cloexec_get_close_on_exec_fds() -> None:
    # before 3.14 the kernel refuses the unknown flag with EINVAL
    def body() -> str:
        import fcntl

        rule = [(_LD_ABS, 0, 0, _arg_low(4)), (_JSET, 0, 1, PERF_FLAG_FD_CLOEXEC), _errno(EINVAL)]
        rule.append((_RET, 0, 0, _ALLOW))
        _seccomp(_when_syscall(NR_PERF_EVENT_OPEN, rule))
        try:
            with _native.Group(
                [parse_event(n).native() for n in ("task-clock", "page-faults")]
            ) as g:
                cloexec = [bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC) for fd in g.fds]
                t = g.begin()
                busy(20_000)
                values = g.end(t)[0]
        except PerfcountError as exc:
            return f"{type(exc).__name__}: {exc}"
        return f"cloexec={cloexec} counted={values[0] > 0}"

    assert _in_child(body) == "cloexec=[True, True] counted=True"


def _supervise_perf_event_open(listener: int, decide: Callable[[bytes], int]) -> int:
    """Fork a supervisor answering this process's perf_event_open notifications.

    DECIDE gets the first 48 bytes of the perf_event_attr and returns an errno
    to fail the call with, or 0 to let the kernel run it. Returns its pid.
    """
    import fcntl
    import struct

    pid = os.fork()
    if pid:
        return pid
    try:
        while True:
            notif = bytearray(80)  # struct seccomp_notif, zeroed for each receive
            fcntl.ioctl(listener, 0xC0502100, notif)  # SECCOMP_IOCTL_NOTIF_RECV
            ident, tid = struct.unpack_from("=QI", notif, 0)
            attr_addr = struct.unpack_from("=Q", notif, 16 + 16)[0]  # data.args[0]
            with open(f"/proc/{tid}/mem", "rb") as mem:
                mem.seek(attr_addr)
                attr = mem.read(48)
            err = decide(attr)
            flags = 0 if err else 1  # SECCOMP_USER_NOTIF_FLAG_CONTINUE
            resp = bytearray(struct.pack("=QqiI", ident, 0, -err, flags))
            fcntl.ioctl(listener, 0xC0182101, resp)  # SECCOMP_IOCTL_NOTIF_SEND
    finally:
        os._exit(0)


def _before_4_13(attr: bytes) -> int:
    """What kernels before 4.13 answer: EINVAL for inherit with PERF_FORMAT_GROUP."""
    import struct

    read_format, bits = struct.unpack_from("=QQ", attr, 32)
    inherit = bits >> 1 & 1
    return EINVAL if inherit and read_format & 8 else 0  # PERF_FORMAT_GROUP


@needs_x86_64
def test_kernels_before_4_13_count_single_events_and_groups() -> None:
    def body() -> str:
        import signal

        listener = _seccomp(
            _when_syscall(NR_PERF_EVENT_OPEN, [(_RET, 0, 0, _USER_NOTIF)]), listener=True
        )
        supervisor = _supervise_perf_event_open(listener, _before_4_13)
        out = []
        try:
            for names in (["task-clock"], ["task-clock", "page-faults"]):
                try:
                    with _native.Group([parse_event(n).native() for n in names]) as g:
                        t = g.begin()
                        busy(20_000)
                        values = g.end(t)[0]
                    out.append(f"{len(names)}: grouped={g.grouped} counted={values[0] > 0}")
                except PerfcountError as exc:
                    out.append(f"{len(names)}: {type(exc).__name__}: {exc}")
            with measure(["task-clock"]) as m:
                busy(20_000)
            out.append(f"measure: {m.counts['task-clock'] > 0}")
            from perfcount.counters.process import run

            out.append(f"run: {run(['true'], events='task-clock').counts['task-clock'] > 0}")
        except PerfcountError as exc:
            out.append(f"{type(exc).__name__}: {exc}")
        finally:
            os.kill(supervisor, signal.SIGKILL)
            os.waitpid(supervisor, 0)
        return "\n".join(out)

    assert _in_child(body).splitlines() == [
        "1: grouped=False counted=True",
        "2: grouped=False counted=True",
        "measure: True",
        "run: True",
    ]


def test_permission_denied_names_paranoid_and_the_fix() -> None:
    paranoid = _native.perf_event_paranoid()
    if os.geteuid() != 0 or paranoid is None or paranoid < 2:
        pytest.skip("needs root (to drop to an unprivileged user) and perf_event_paranoid >= 2")

    def unprivileged() -> str:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        return _open("task-clock:k")  # kernel counting: refused at paranoid >= 2

    text = _in_child(unprivileged)
    assert text.startswith("PermissionDenied: "), text
    assert f"perf_event_paranoid = {paranoid}" in text
    assert "sysctl kernel.perf_event_paranoid=1" in text


def test_out_of_file_descriptors_names_the_fix() -> None:
    import resource

    def few_fds() -> str:
        # exactly one free descriptor: the first event opens, the second cannot
        top = max(int(fd) for fd in os.listdir("/proc/self/fd"))
        resource.setrlimit(resource.RLIMIT_NOFILE, (top + 2, top + 2))
        fillers = []
        with contextlib.suppress(OSError):
            while True:
                fillers.append(os.open("/dev/null", os.O_RDONLY))
        os.close(fillers.pop())
        with _native.Group([parse_event(n).native() for n in ("task-clock", "page-faults")]):
            return "opened"

    text = _in_child(few_fds)
    assert text.startswith("BackendError: "), text
    assert "out of file descriptors" in text and "ulimit -n" in text


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"events": "instrucions"}, InvalidArgument, "did you mean 'instructions'"),
        ({"events": ["task-clock"], "backend": "fast"}, InvalidArgument, "unknown backend"),
        ({"events": ["instructions"], "backend": "software"}, InvalidArgument, "software events"),
        ({"events": ["task-clock"], "gpu": "yes"}, InvalidArgument, "GPU mode"),
        ({"backend": "valgrind"}, BackendError, "perfcount.profile"),
    ],
)
def test_bad_arguments(kwargs: dict, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc) as info:
        measure(**kwargs)
    assert message in str(info.value)


def test_bad_count_arguments_and_decorator_target() -> None:
    with pytest.raises(InvalidArgument, match="repeat"):
        count(busy, 1, repeat=0)
    with pytest.raises(InvalidArgument, match="warmup"):
        count(busy, 1, warmup=-1)
    with pytest.raises(InvalidArgument, match="callable"):
        count(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="callable"):
        measure(["task-clock"])(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="no region"):
        _ = measure(["task-clock"]).counts
    with pytest.raises(InvalidArgument, match="at least one event"):
        _native.Group([])
    # out-of-range or malformed event tuples: InvalidArgument, not RuntimeError
    for bad in (
        ("x", 1, 2**64, False, True, True),
        ("x", -1, 0, False, True, True),
        ("x", 2**32, 0, False, True, True),
        ("x", 1, 0),
    ):
        with pytest.raises(InvalidArgument, match="event #0"):
            _native.Group([bad])


def test_public_api_and_errors_are_perfcount_errors() -> None:
    assert perfcount.measure is measure and perfcount.count is count
    assert issubclass(CounterUnavailable, PerfcountError)
    assert _native.perf_event_paranoid() == int(
        Path("/proc/sys/kernel/perf_event_paranoid").read_text()
    )


# --- hardware PMU (skipped with the reason where there is none) --------------------------


@pytest.mark.needs_pmu
def test_instructions_scale_linearly() -> None:
    one = count(busy, 200_000, repeat=5, events=["instructions"], backend="perf")
    two = count(busy, 400_000, repeat=5, events=["instructions"], backend="perf")
    ratio = two["instructions"] / one["instructions"]
    assert 1.9 <= ratio <= 2.1, ratio
    assert one.cv["instructions"] < 0.02


@pytest.mark.needs_pmu
def test_rdpmc_agrees_with_read() -> None:
    spec = [parse_event(n).native() for n in ("instructions", "cycles")]
    with _native.Group(spec, inherit=False) as g:
        if not g.rdpmc_available():
            pytest.skip("the kernel does not offer rdpmc for these events here")
        assert g.rdpmc
        for _ in range(100):
            via_read = g.read_syscall()[0][0]
            via_rdpmc = g.read_rdpmc()
            assert via_rdpmc is not None
            # rdpmc reads later than read(): a little larger, never smaller
            assert 0 <= via_rdpmc[0][0] - via_read < 100_000
        t = g.begin()
        busy(100_000)
        values, _scaled, not_counted = g.end(t)
        assert values[0] > 100_000 and not_counted == 0


@pytest.mark.needs_pmu
def test_rdpmc_is_only_used_by_the_opening_thread() -> None:
    # the event counts its opener; rdpmc in another thread would read the
    # counter of whatever runs on that CPU: read(2) there, by construction
    spec = [parse_event(n).native() for n in ("instructions", "cycles")]
    with _native.Group(spec, inherit=False) as g:
        if not g.rdpmc_available():
            pytest.skip("the kernel does not offer rdpmc for these events here")
        seen: dict[str, Any] = {}

        def other() -> None:
            seen["rdpmc"] = g.rdpmc
            seen["available"] = g.rdpmc_available()
            seen["read_rdpmc"] = g.read_rdpmc()
            seen["read"] = g.read()[0]
            seen["syscall"] = g.read_syscall()[0]

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert seen["rdpmc"] is False and seen["available"] is False
        assert seen["read_rdpmc"] is None
        # read() went through read(2): the owner's counts so far, not another CPU's
        assert 0 <= seen["syscall"][0] - seen["read"][0] < 1_000_000
        assert g.rdpmc and g.read_rdpmc() is not None  # the owner still uses it


@pytest.mark.needs_pmu
def test_an_rdpmc_group_survives_fork() -> None:
    # the mmap page is not copied into a child (VM_DONTCOPY): reading or
    # closing the inherited group there must not touch it
    spec = [parse_event(n).native() for n in ("instructions", "cycles")]
    g = _native.Group(spec, inherit=False)
    try:
        if not g.rdpmc_available():
            pytest.skip("the kernel does not offer rdpmc for these events here")

        def body() -> str:
            values = g.read()[0]
            rdpmc = g.read_rdpmc()
            g.close()
            return f"read={len(values)} rdpmc={rdpmc} rdpmc_on={g.rdpmc}"

        assert _in_child(body) == "read=2 rdpmc=None rdpmc_on=False"
        assert g.read_rdpmc() is not None  # the parent's page is intact
    finally:
        g.close()


@pytest.mark.needs_pmu
def test_a_group_too_big_for_the_pmu_is_refused_not_split() -> None:
    # 16 instruction counters cannot be scheduled together (x86 validate_group)
    spec = [parse_event("instructions").native()] * 16
    with pytest.raises(InvalidArgument, match="cannot add perf event 'instructions' to the group"):
        _native.Group(spec)
    with _native.Group(spec, group=False) as g:  # asked for explicitly: multiplexed
        assert not g.grouped


@pytest.mark.needs_pmu
def test_multiplexed_events_are_scaled() -> None:
    # more independent events than counters: the kernel time-shares them
    names = ["instructions", "cycles", "branches", "branch-misses", "cache-references"]
    names += ["cache-misses", "r00c0", "r00c4", "r00c5", "r003c", "r013c", "r01c2"]
    with _native.Group([parse_event(n).native() for n in names], group=False) as g:
        t = g.begin()
        busy(2_000_000)
        values, scaled, not_counted = g.end(t)
    assert scaled or not_counted
    assert all(v is None or v >= 0 for v in values)


@pytest.mark.needs_valgrind
@pytest.mark.slow
def test_valgrind_backend_in_process_under_callgrind(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(
        "import json, perfcount\n"
        "def busy(n):\n"
        "    t = 0\n"
        "    for i in range(n):\n"
        "        t += i\n"
        "m = perfcount.measure(backend='valgrind')\n"
        "out = []\n"
        "for n in (5000, 10000):\n"
        "    with m:\n"
        "        busy(n)\n"
        "    out.append(m.counts['instructions'])\n"
        "print(json.dumps([out, m.counts.backend]))\n"
    )
    out = tmp_path / "cg.%p"
    env = {**os.environ, "PERFCOUNT_CALLGRIND_OUT": str(out)}
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            "-q",
            sys.executable,
            str(script),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (small, big), backend = json.loads(done.stdout)
    assert backend == "valgrind"
    assert small > 10_000
    assert 1.8 <= big / small <= 2.2
