"""Type stubs of perfcount's native module (hand-written; one section per native/bind_*.cpp)."""

from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any

__version__: str

# An event as perfcount.counters.events.Event.native() gives it:
# (name, perf type, config, exclude_user, exclude_kernel, exclude_hv)
EventTuple = tuple[str, int, int, bool, bool, bool]

# Values of a region: one per event; int when exact, float when scaled for
# multiplexing (value x enabled / running), None when the event never ran.
RegionValues = tuple[int | float | None, ...]

# ---- perf_event groups (native/bind_perf.cpp over perf.hpp) ----------------------
# Open errors raise perfcount.errors classes with errno and a hint:
# ENOENT/EOPNOTSUPP/ENODEV/ENXIO -> CounterUnavailable (no PMU: "use backend='valgrind'"),
# EACCES/EPERM -> PermissionDenied (paranoid level / seccomp), EMFILE -> BackendError,
# EINVAL -> InvalidArgument, ESRCH -> CandidateError.

class Group:
    """A perf_event counter group opened once and read many times.

    One group read (PERF_FORMAT_GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING);
    if the kernel rejects ``inherit`` with a group read, one fd per event
    (``grouped`` is then False). fds are O_CLOEXEC and closed by close(),
    ``with`` or garbage collection. The rdpmc fast path (mmap page,
    seqlock loop) is used only when every event is a hardware event, the
    group counts the calling thread without ``inherit``, and the kernel
    offers it (cap_user_rdpmc, index != 0, cap_user_time); else read(2).
    rdpmc is only ever used by the thread (and process) that opened the
    group: from any other thread, or in a forked child, reads go through
    read(2) (``rdpmc``/``rdpmc_available()``/``read_rdpmc()`` answer for the
    calling thread). A member the kernel refuses (the group does not fit on
    the PMU) raises InvalidArgument; only the pre-4.13 refusal of inherit with
    a group read falls back to one fd per event.
    """

    def __init__(
        self,
        events: Sequence[EventTuple],
        *,
        pid: int = 0,
        cpu: int = -1,
        inherit: bool = True,
        enable_on_exec: bool = False,
        start_enabled: bool = True,
        rdpmc: bool = True,
        group: bool = True,
    ) -> None:
        """``group=False`` opens one fd per event (the fallback for kernels that
        reject inherit with PERF_FORMAT_GROUP), each read on its own."""
    def begin(self) -> int:
        """Snapshot now and push it; returns the region token (its nesting depth)."""
    def end(self, token: int) -> tuple[RegionValues, int, int]:
        """Snapshot now, pop region ``token`` (must be the innermost) and return
        (values, scaled bitmask, not-counted bitmask); bit i is event i."""
    def abandon(self, token: int) -> None:
        """Drop region ``token`` (and those nested in it) without reading."""
    @property
    def depth(self) -> int: ...
    def read(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """Raw (values, time_enabled, time_running) per event; rdpmc when active."""
    def read_syscall(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """Like read() but always through read(2)."""
    def read_rdpmc(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None:
        """Like read() but only through the mmap page; None when rdpmc is not offered."""
    def enable(self) -> None: ...
    def disable(self) -> None: ...
    def reset(self) -> None:
        """PERF_EVENT_IOC_RESET (counts only: enabled/running times keep running)."""
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def names(self) -> tuple[str, ...]: ...
    @property
    def fds(self) -> tuple[int, ...]: ...
    @property
    def grouped(self) -> bool: ...
    @property
    def rdpmc(self) -> bool:
        """Whether reads from the calling thread go through rdpmc."""
    def rdpmc_available(self) -> bool: ...
    def __len__(self) -> int: ...
    def __enter__(self) -> Group: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

class Region:
    """Base of perfcount.measure: C-level ``__enter__``/``__exit__`` over a bound Group.

    ``__enter__`` calls ``self._bind()`` (defined by the subclass) when no group
    is bound, it was bound in another thread, or it was closed; then takes the
    first snapshot. ``__exit__`` takes the second and stores the result in
    ``_raw`` (clearing ``_counts``); it never suppresses exceptions. With
    ``_slow`` set both go to ``self._enter_slow()`` / ``self._exit_slow()``.
    """

    _raw: tuple[RegionValues, int, int] | None
    _counts: Any
    _group: Group | None  # setting it binds it to the calling thread
    _slow: bool
    @property
    def _depth(self) -> int: ...
    def _begin(self) -> None: ...
    def _end(self) -> None: ...
    def __enter__(self) -> Any: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

def perf_event_paranoid() -> int | None:
    """kernel.perf_event_paranoid, or None when unreadable."""

def hardware_pmu_present() -> bool:
    """Whether /sys/bus/event_source/devices exposes a CPU PMU."""

# ---- counted child process (native/bind_child.cpp over child.hpp) ----------------

def run_counted(
    argv: Sequence[str],
    events: Sequence[EventTuple],
    *,
    stdin: bytes | None = None,
    stdin_mode: str = "devnull",
    capture: bool = True,
    timeout: float | None = None,
    cwd: str | None = None,
    env: Sequence[str] | None = None,
    max_output: int = 16 << 20,
    kill_grace: float = 1.0,
    inherit: bool = True,
    linger: float = 1.0,
    jail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """fork, attach EVENTS (enable_on_exec + inherit), exec ARGV, wait (GIL released).

    ``stdin_mode``: "pipe" (feed ``stdin``), "devnull" or "inherit";
    ``capture=False`` shares this process's stdout/stderr. ``env``: "K=V"
    strings (a bare program name is then looked up on that PATH), None for
    this environment. The child leads its own process group, except when it
    shares the terminal (``stdin_mode="inherit"`` or ``capture=False``) that
    this process is in the foreground of: then it stays in ours, like under
    ``perf stat``. A timeout (also while waiting for the exec) sends SIGTERM
    (+ SIGCONT) to the child's group (or the child), SIGKILL after
    ``kill_grace`` s. If descendants keep the output pipes open ``linger`` s
    after the command exited, the group is killed. ``timeout``,
    ``kill_grace`` and ``linger`` must be finite and at most 1e9 s. The child
    is reaped last, so its pid and group id are never signalled after reuse.
    Returns pid, values, scaled, not_counted (as Group.end; all not counted
    when the timeout ran out before exec), returncode (-N for signal N; None
    when something else reaped the child), signal, wall_ns, max_rss (bytes),
    user_ns, system_ns, stdout, stderr, stdout_truncated, stderr_truncated,
    timed_out, killed_lingering, stdin_written, execed, own_group,
    reaped_elsewhere, namespace_init. Exec/chdir failures, and a stop on SIGTTIN/SIGTTOU (the
    child touched the terminal from a background group), raise CandidateError.
    ``jail`` (perfcount.execute.jail): what the child gives up after the go
    byte, before its chdir and exec (uncounted) — ``uid``, ``gid``,
    ``drop_capabilities`` (+ ``cap_last_cap``), ``no_new_privs``, ``rlimits``
    ``[(resource, soft, hard)]``, ``seccomp`` (a BPF program's bytes); a step
    that fails ends the child before exec (CandidateError naming the step).
    ``pid_namespace``: the child is pid 2 of a pid namespace of its own, whose
    pid 1 is a placeholder that reaps orphans (needs CAP_SYS_ADMIN;
    BackendError otherwise); it outlives the call so that what the program
    left behind can still be found: the caller ends it with
    :func:`end_pid_namespace` (``namespace_init``, 0 without a namespace).
    """

def end_pid_namespace(init: int) -> None:
    """Kill the placeholder pid 1 ``init`` of a pid namespace (and all left in it); reap it."""

# ---- callgrind client requests (native/bind_callgrind.cpp over callgrind.hpp) ----
# Built against the system's valgrind headers (valgrind/callgrind.h). Without
# them HAVE_CALLGRIND_REQUESTS is False, running_on_valgrind() returns 0 and
# callgrind_start/stop/zero raise perfcount.errors.BackendError.

HAVE_CALLGRIND_REQUESTS: bool
"""Whether this build issues callgrind client requests."""

def running_on_valgrind() -> int:
    """Nesting depth of valgrind we run under (0 when native or built without requests)."""

def callgrind_start() -> None:
    """Switch instrumentation on and zero the counters (the region starts here)."""

def callgrind_stop(label: str) -> None:
    """Dump the region's costs labelled LABEL, then switch instrumentation off."""

def callgrind_zero() -> None:
    """Zero callgrind's counters."""

def callgrind_begin_candidate() -> bool:
    """Instrumentation on and counters zeroed, once per process; False if already begun."""

# ---- cachegrind client requests (native/bind_cachegrind.cpp over cachegrind.hpp) ----
# Only with valgrind >= 3.22's valgrind/cachegrind.h; without it
# HAVE_CACHEGRIND_REQUESTS is False and cachegrind_begin_candidate raises BackendError.

HAVE_CACHEGRIND_REQUESTS: bool
"""Whether this build issues cachegrind client requests (valgrind >= 3.22 headers)."""

def cachegrind_begin_candidate() -> bool:
    """Cachegrind instrumentation on, once per process; False if already begun."""

# ---- NVML (native/bind_nvml.cpp over nvml.hpp) --------------------------------
# GpuError raised by NVML failures carries the nvmlReturn_t in ``errno``
# (12 when libnvidia-ml cannot be loaded, 13 for a missing symbol).

class NvmlSampler:
    """NVML metrics of selected GPUs over start()..stop() windows (see perfcount.counters.gpu).

    ``library``: path of libnvidia-ml (else $PERFCOUNT_NVML_LIBRARY, else
    "libnvidia-ml.so.1"); ``devices``: an index, a UUID (or unique UUID prefix),
    or an iterable of them (not bytes); None means $CUDA_VISIBLE_DEVICES if
    set, else all GPUs. A MIG device UUID selects its GPU. A GPU whose handle
    answers NVML_ERROR_NO_PERMISSION is left out of "all" and of
    CUDA_VISIBLE_DEVICES (see ``skipped``); naming it explicitly raises
    GpuError. ``interval_ms`` in [0.1, 60000]. Raises GpuError (no library,
    init failure, no/unknown/inaccessible GPU) or InvalidArgument (malformed
    arguments). Power samples come from NVML_FI_DEV_POWER_INSTANT where the
    driver has it, else nvmlDeviceGetPowerUsage (``power_source`` per device);
    ``avg_power_w`` from the energy counter when it counted the window.
    In a forked child an inherited sampler is inert: start/stop raise, close
    releases nothing (no nvmlShutdown, no dlclose).
    """

    def __init__(
        self,
        devices: int | str | Iterable[int | str] | None = None,
        interval_ms: float = 10.0,
        library: str | None = None,
    ) -> None: ...
    def start(self) -> None:
        """Read the energy counters, take the first sample, start the sampling thread."""
    def stop(self) -> dict[str, Any]:
        """Join the thread, read the counters; the window's metrics (GpuSampler.stop)."""
    def close(self) -> None:
        """Stop the thread if running, nvmlShutdown, release (dlclose) the library."""
    @property
    def devices(self) -> list[dict[str, Any]]:
        """index, uuid, name, mem_total_bytes, supported: {metric: bool}."""
    @property
    def driver_version(self) -> str | None: ...
    @property
    def library(self) -> str: ...
    @property
    def selection(self) -> str:
        """'explicit', 'CUDA_VISIBLE_DEVICES' or 'all'."""
    @property
    def skipped(self) -> list[dict[str, Any]]:
        """GPUs left out because this user may not query them: index, reason."""
    @property
    def interval_ms(self) -> float: ...
    @property
    def running(self) -> bool: ...
    @property
    def closed(self) -> bool: ...
