"""NVML GPU metrics against a fake libnvidia-ml.so.1 built by this module.

No GPU exists on the development machines, so the real code paths run against
``tests/fake_nvml/fake_nvml.c``: our native sampler dlopens it through the
``library=`` override / ``PERFCOUNT_NVML_LIBRARY``, and real pynvml loads it
through ``LD_LIBRARY_PATH`` in a subprocess (it must be set when the process
starts). The fake's behaviour comes from ``FAKE_NVML_*`` variables read at
``nvmlInit``; its energy counter is power × time since init, so deltas over a
measured window are predictable. Bounds below derive from wall time measured
around the window, never from fixed timings.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from perfcount.counters.gpu import ENERGY_SOURCES, GpuMeter, GpuSampler, inventory, sampler_for
from perfcount.errors import GpuError, InvalidArgument

FAKE_SOURCE = Path(__file__).resolve().parents[1] / "fake_nvml" / "fake_nvml.c"
FAKE_CFLAGS = (
    "-shared",
    "-fPIC",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wl,-soname,libnvidia-ml.so.1",
)
UUID0 = "GPU-00fa4e00-0000-4000-8000-000000000000"
UUID1 = "GPU-10fa4e00-0000-4000-8000-000000000001"


@pytest.fixture(scope="session")
def fake_nvml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the fake libnvidia-ml.so.1, compiled once per session."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the fake libnvidia-ml.so.1 (apt-get install gcc)")
    out = tmp_path_factory.mktemp("fake_nvml") / "libnvidia-ml.so.1"
    subprocess.run(
        [cc, *FAKE_CFLAGS, "-o", str(out), str(FAKE_SOURCE)],
        check=True,
    )
    return out


def _mapped(path: Path) -> bool:
    return str(path) in Path("/proc/self/maps").read_text()


def _threads(expected: int | None = None) -> int:
    """Sampling threads of this process (the native code names them).

    With ``expected``, waits up to a second for that number: ``pthread_join``
    returns once the thread has exited, which the kernel signals before it
    removes the thread's ``/proc/self/task`` entry (seen under load).
    """
    deadline = time.monotonic() + 1.0
    while True:
        n = 0
        for task in Path("/proc/self/task").iterdir():
            with contextlib.suppress(OSError):  # the thread exited meanwhile
                n += (task / "comm").read_text().strip() == "perfcount-nvml"
        if expected is None or n == expected or time.monotonic() > deadline:
            return n
        time.sleep(0.01)


@pytest.fixture
def fake(fake_nvml: Path, monkeypatch: pytest.MonkeyPatch):
    """A clean fake configuration; afterwards the library must be unloaded (no leaked sampler)."""
    for name in list(os.environ):
        if name.startswith("FAKE_NVML_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.delenv("PERFCOUNT_NVML_LIBRARY", raising=False)
    yield fake_nvml
    gc.collect()
    assert not _mapped(fake_nvml), "a sampler was left open: the fake library is still loaded"


def _sampler(fake: Path, **kw) -> GpuSampler:
    return GpuSampler(library=fake, **kw)


def _window(sampler: GpuSampler, seconds: float) -> tuple[dict, float, float]:
    """Run one window around a sleep: (result, inner seconds slept, outer seconds incl. start/stop)."""
    t_outer = time.perf_counter()
    sampler.start()
    t_inner = time.perf_counter()
    time.sleep(seconds)
    inner = time.perf_counter() - t_inner
    result = sampler.stop()
    outer = time.perf_counter() - t_outer
    return result, inner, outer


# ---- energy ------------------------------------------------------------------


def test_energy_counter_delta_over_a_known_sleep(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_POWER_MW", "150000")
    s = _sampler(fake)
    try:
        r, inner, outer = _window(s, 0.3)
    finally:
        s.close()
    # 150 W for ~0.3 s ≈ 45,000 mJ; the counter reads happen inside [outer] and around [inner]
    assert r["energy_source"] == "energy_counter"
    assert 150 * inner * 1000 - 1 <= r["energy_mj"] <= 150 * outer * 1000 + 1
    assert r["energy_mj"] > 40_000
    assert inner * 1e9 <= r["duration_ns"] <= outer * 1e9
    assert r["avg_power_w"] == pytest.approx(150.0, rel=1e-3)  # counter delta / duration
    assert r["peak_power_w"] == 150.0
    [dev] = r["devices"]
    assert dev["energy_counter_mj"] == r["energy_mj"]
    # integrated constant power over the window is exactly P x duration
    assert dev["power_integrated_mj"] == pytest.approx(150 * r["duration_ns"] / 1e6, rel=1e-9)
    assert dev["unsupported"] == {}


def test_energy_counter_quantised_by_update_period(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_ENERGY_PERIOD_MS", "100")
    s = _sampler(fake)
    try:
        r, inner, outer = _window(s, 0.35)
    finally:
        s.close()
    assert r["energy_source"] == "energy_counter"
    step = 150 * 100  # 150 W x 100 ms
    assert r["energy_mj"] % step == 0
    assert 150 * (inner - 0.1) * 1000 <= r["energy_mj"] <= 150 * (outer + 0.1) * 1000


def test_power_integration_when_the_counter_is_not_supported(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_ENERGY", "unsupported")
    monkeypatch.setenv("FAKE_NVML_POWER_MW", "80000")
    s = _sampler(fake)
    assert s.devices[0]["supported"]["energy_counter"] is False
    try:
        r, inner, _ = _window(s, 0.2)
    finally:
        s.close()
    assert r["energy_source"] == "power_integration"
    assert r["energy_mj"] == pytest.approx(80 * r["duration_ns"] / 1e6, rel=1e-9)
    assert r["energy_mj"] >= 80 * inner * 1000 * 0.999
    [dev] = r["devices"]
    assert dev["energy_counter_mj"] is None
    assert "energy_counter" in dev["unsupported"]
    assert "Not Supported" in dev["unsupported"]["energy_counter"]


def test_window_shorter_than_the_counter_period_is_flagged_not_zero(fake, monkeypatch):
    # a 1000 s update period: the counter cannot move during this test
    monkeypatch.setenv("FAKE_NVML_ENERGY_PERIOD_MS", "1000000")
    s = _sampler(fake)
    try:
        s.start()
        r = s.stop()
    finally:
        s.close()
    assert r["energy_source"] == "window_too_short"
    [dev] = r["devices"]
    assert dev["energy_counter_mj"] == 0
    assert r["energy_mj"] > 0  # from power integration, never a silent 0 J
    assert r["energy_mj"] == pytest.approx(150 * r["duration_ns"] / 1e6, rel=1e-9)


def test_short_window_without_power_readings_has_no_energy(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_ENERGY_PERIOD_MS", "1000000")
    monkeypatch.setenv("FAKE_NVML_UNSUPPORTED", "power")
    s = _sampler(fake)
    try:
        s.start()
        r = s.stop()
    finally:
        s.close()
    assert r["energy_source"] == "window_too_short"
    assert r["energy_mj"] is None
    assert r["avg_power_w"] is None and r["peak_power_w"] is None


def test_nothing_to_measure_energy_with_is_unavailable(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_UNSUPPORTED", "power,energy")
    with _sampler(fake) as s:
        time.sleep(0.02)
    assert s.result["energy_source"] == "unavailable"
    assert s.result["energy_mj"] is None


# ---- sampling -------------------------------------------------------------------


@pytest.mark.parametrize("interval_ms", [10, 50])
def test_sample_count_follows_the_interval(fake, interval_ms):
    s = _sampler(fake, interval_ms=interval_ms)
    try:
        r, _, _ = _window(s, 0.3)
    finally:
        s.close()
    duration_ms = r["duration_ns"] / 1e6
    # one sample at start, one at stop, and at most one per interval slot between
    assert r["samples"] <= duration_ms // interval_ms + 2
    assert r["samples"] >= max(3, 0.25 * duration_ms / interval_ms)  # loose: shared machine
    assert r["interval_ms"] == interval_ms
    assert r["devices"][0]["samples"] == r["samples"]


def test_sampled_metrics_and_aggregation_over_two_gpus(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_DEVICES", "2")
    monkeypatch.setenv("FAKE_NVML_POWER_MW", "150000,60000")
    monkeypatch.setenv("FAKE_NVML_UTIL", "73,27")
    monkeypatch.setenv("FAKE_NVML_MEM_UTIL", "20,30")
    monkeypatch.setenv("FAKE_NVML_MEM_USED", "1000000000,500000000")
    monkeypatch.setenv("FAKE_NVML_SM_CLOCK", "1400,1000")
    s = _sampler(fake)
    try:
        r, _, _ = _window(s, 0.1)
    finally:
        s.close()
    d0, d1 = r["devices"]
    assert (d0["index"], d0["uuid"], d1["index"], d1["uuid"]) == (0, UUID0, 1, UUID1)
    assert d0["name"] == "Fake NVIDIA GPU 0"
    assert (d0["mean_util_pct"], d1["mean_util_pct"]) == (73, 27)
    assert (d0["mean_mem_util_pct"], d1["mean_mem_util_pct"]) == (20, 30)
    assert (d0["peak_mem_bytes"], d1["peak_mem_bytes"]) == (1_000_000_000, 500_000_000)
    assert d0["mem_total_bytes"] == 16 << 30
    assert (d0["sm_clock_mhz_mean"], d1["sm_clock_mhz_mean"]) == (1400, 1000)
    assert r["energy_mj"] == d0["energy_mj"] + d1["energy_mj"]
    assert d0["energy_mj"] / d1["energy_mj"] == pytest.approx(2.5, rel=0.01)
    assert r["peak_power_w"] == 210.0
    assert r["avg_power_w"] == pytest.approx(210.0, rel=1e-3)
    assert r["peak_mem_bytes"] == 1_500_000_000
    assert r["mean_util_pct"] == 50
    assert r["sm_clock_mhz_mean"] == 1200
    assert r["driver_version"] == "999.99.99-fake"
    assert r["energy_source"] in ENERGY_SOURCES
    json.dumps(r)  # plain data, ready for Counts.gpu / JSONL


def test_unsupported_metrics_are_none_and_memory_falls_back_to_v1(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_UNSUPPORTED", "util,clock,memory_v2")
    s = _sampler(fake)
    try:
        r, _, _ = _window(s, 0.03)
    finally:
        s.close()
    assert r["mean_util_pct"] is None and r["mean_mem_util_pct"] is None
    assert r["sm_clock_mhz_mean"] is None
    # v1 counts the driver's reserved 256 MiB as used
    assert r["peak_mem_bytes"] == (1 << 30) + (256 << 20)
    assert set(r["devices"][0]["unsupported"]) == {"utilization", "sm_clock"}


def test_aggregate_energy_source_is_the_weakest_device(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_DEVICES", "2")
    monkeypatch.setenv("FAKE_NVML_ENERGY", "unsupported")
    s = _sampler(fake)
    try:
        r, _, _ = _window(s, 0.05)
    finally:
        s.close()
    assert [d["energy_source"] for d in r["devices"]] == ["power_integration"] * 2
    assert r["energy_source"] == "power_integration"


# ---- device selection ------------------------------------------------------------


@pytest.fixture
def two_gpus(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_DEVICES", "2")
    monkeypatch.setenv("FAKE_NVML_POWER_MW", "150000,60000")
    return fake


def _selected(fake: Path, devices=None) -> tuple[list[int], str]:
    s = _sampler(fake, devices=devices)
    try:
        return [d["index"] for d in s.devices], s.selection
    finally:
        s.close()


def test_all_gpus_by_default(two_gpus):
    assert _selected(two_gpus) == ([0, 1], "all")


@pytest.mark.parametrize(
    "devices",
    [1, [1], "1", UUID1, [UUID1], "GPU-10fa", (x for x in [1])],
    ids=["int", "list", "digits", "uuid", "uuid-list", "uuid-prefix", "generator"],
)
def test_select_one_gpu_by_index_or_uuid(two_gpus, devices):
    s = _sampler(two_gpus, devices=devices)
    try:
        assert [d["index"] for d in s.devices] == [1]
        assert s.selection == "explicit"
        r, _, _ = _window(s, 0.05)
    finally:
        s.close()
    assert [d["uuid"] for d in r["devices"]] == [UUID1]
    assert r["avg_power_w"] == pytest.approx(60.0, rel=1e-3)


def test_selection_order_is_kept(two_gpus):
    assert _selected(two_gpus, [UUID1, 0]) == ([1, 0], "explicit")


def test_unique_uuid_prefix_selects_and_ambiguous_prefix_is_refused(two_gpus):
    assert _selected(two_gpus, "GPU-0") == ([0], "explicit")
    with pytest.raises(InvalidArgument, match="ambiguous"):
        _selected(two_gpus, "GPU-")


def test_cuda_visible_devices_is_honoured(two_gpus, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert _selected(two_gpus) == ([1], "CUDA_VISIBLE_DEVICES")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", f"{UUID1}, 0")
    assert _selected(two_gpus) == ([1, 0], "CUDA_VISIBLE_DEVICES")
    # CUDA's rule: entries after the first one naming no device are ignored
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1,7,0")
    assert _selected(two_gpus) == ([1], "CUDA_VISIBLE_DEVICES")
    # an explicit selection wins
    assert _selected(two_gpus, [0]) == ([0], "explicit")


@pytest.mark.parametrize("value", ["", "-1", "7"])
def test_cuda_visible_devices_hiding_every_gpu_is_a_gpu_error(two_gpus, monkeypatch, value):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", value)
    with pytest.raises(GpuError, match="CUDA_VISIBLE_DEVICES") as info:
        _selected(two_gpus)
    assert "unset CUDA_VISIBLE_DEVICES" in info.value.hint
    assert sampler_for(True, library=two_gpus)[0] is None


def test_unknown_gpu_is_a_gpu_error_naming_the_gpus_there(two_gpus):
    with pytest.raises(GpuError, match="no GPU matches '5'") as info:
        _selected(two_gpus, [5])
    assert UUID1 in info.value.message
    assert "index below 2" in info.value.hint
    with pytest.raises(GpuError, match="no GPU matches 'GPU-0123'"):
        _selected(two_gpus, "GPU-0123")


@pytest.mark.parametrize(
    ("devices", "match"),
    [
        ([-1], "negative"),
        ([0, 0], "twice"),
        ([], "selects no GPU"),
        (True, "bool"),
        ([1.5], "float"),
        ([" "], "empty"),
        (b"0", "bytes"),  # iterated, it selected GPU 48
        (bytearray(b"1"), "bytes"),
        ([b"0"], "bytes"),
        (2**70, "out of range"),  # was a RuntimeError
        ([2**64], "out of range"),
    ],
)
def test_malformed_selection_is_invalid_argument(two_gpus, devices, match):
    with pytest.raises(InvalidArgument, match=match):
        _selected(two_gpus, devices)
    with pytest.raises(InvalidArgument):  # even when the GPU is optional
        sampler_for(True, devices=devices, library=two_gpus)


# ---- errors ---------------------------------------------------------------------


def test_driver_not_loaded_maps_to_gpu_error_with_hint(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_INIT_ERROR", "9")
    with pytest.raises(GpuError) as info:
        _sampler(fake)
    assert info.value.errno == 9
    assert "Driver Not Loaded" in info.value.message
    assert info.value.hint == "install the NVIDIA driver / check nvidia-smi"
    sampler, reason = sampler_for(True, library=fake)
    assert sampler is None
    assert "Driver Not Loaded" in reason and "nvidia-smi" in reason
    with pytest.raises(GpuError, match="Driver Not Loaded"):
        sampler_for("required", library=fake)


def test_missing_library_maps_to_gpu_error(tmp_path):
    missing = tmp_path / "libnvidia-ml.so.1"
    with pytest.raises(GpuError) as info:
        GpuSampler(library=missing)
    assert info.value.errno == 12  # NVML_ERROR_LIBRARY_NOT_FOUND
    assert str(missing) in info.value.message
    assert "no NVIDIA driver on this machine" in info.value.hint
    assert sampler_for(False, library=missing) == (None, None)
    sampler, reason = sampler_for(True, library=missing)
    assert sampler is None and "no NVIDIA driver" in reason


def test_a_library_that_is_not_nvml_is_refused():
    libm = "libm.so.6"
    with pytest.raises(GpuError, match="has no symbol nvmlInit_v2"):
        GpuSampler(library=libm)


def test_no_gpu_reported_by_nvml(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_DEVICES", "0")
    with pytest.raises(GpuError, match="no GPU"):
        _sampler(fake)


def test_gpu_lost_during_the_window_raises_on_stop(fake, monkeypatch):
    monkeypatch.setenv("FAKE_NVML_LOST_AFTER_MS", "50")
    s = _sampler(fake)
    try:
        s.start()
        time.sleep(0.2)
        with pytest.raises(GpuError, match="GPU is lost") as info:
            s.stop()
        assert info.value.errno == 15
        assert "dmesg" in info.value.hint
        assert not s.running
    finally:
        s.close()


def test_a_window_after_a_failed_one_is_sampled_again(fake, tmp_path, monkeypatch):
    lost = tmp_path / "lost"
    monkeypatch.setenv("FAKE_NVML_LOST_FILE", str(lost))
    s = _sampler(fake)
    try:
        s.start()
        lost.touch()  # the GPU "falls off the bus": the sampling thread's next tick fails
        time.sleep(0.1)
        with pytest.raises(GpuError, match="GPU is lost"):
            s.stop()
        lost.unlink()
        r, _, _ = _window(s, 0.15)
    finally:
        s.close()
    assert r["energy_source"] == "energy_counter"
    assert r["samples"] >= 3  # the thread samples the new window, not only start and stop


def test_bad_interval_and_gpu_mode_are_invalid(fake):
    with pytest.raises(InvalidArgument, match="interval_ms"):
        _sampler(fake, interval_ms=0)
    with pytest.raises(InvalidArgument, match="gpu='yes'"):
        sampler_for("yes")


def test_environment_override_picks_the_library(fake, monkeypatch):
    monkeypatch.setenv("PERFCOUNT_NVML_LIBRARY", str(fake))
    sampler, reason = sampler_for("required")
    assert reason is None
    try:
        assert sampler.library == str(fake)
    finally:
        sampler.close()


# ---- the policy measure()/run() use ------------------------------------------------


def test_meter_off_gives_nothing(fake):
    with GpuMeter(False) as meter:
        assert not meter.enabled
        meter.start()
        assert meter.stop() == (None, None)


def test_meter_reuses_one_nvml_session_for_several_windows(fake, tmp_path, monkeypatch):
    log = tmp_path / "nvml.log"
    monkeypatch.setenv("FAKE_NVML_LOG", str(log))
    with GpuMeter(True, library=fake) as meter:
        results = []
        for _ in range(3):
            meter.start()
            time.sleep(0.01)
            results.append(meter.stop())
    assert [reason for _, reason in results] == [None] * 3
    assert all(m["energy_source"] == "energy_counter" for m, _ in results)
    assert log.read_text().split() == ["init", "shutdown", "unload"]


def test_meter_without_a_gpu_gives_a_reason_per_window_or_raises_when_required(tmp_path):
    missing = tmp_path / "libnvidia-ml.so.1"
    with GpuMeter(True, library=missing) as meter:
        assert meter.enabled and meter.sampler is None
        meter.start()
        metrics, reason = meter.stop()
    assert metrics is None and "no NVIDIA driver" in reason
    with pytest.raises(GpuError, match="no NVIDIA driver"):
        GpuMeter("required", library=missing)


@pytest.mark.parametrize("mode", [True, "required"])
def test_meter_when_the_gpu_is_lost_mid_window(fake, monkeypatch, mode):
    monkeypatch.setenv("FAKE_NVML_LOST_AFTER_MS", "30")
    with GpuMeter(mode, library=fake) as meter:
        meter.start()
        time.sleep(0.1)
        if mode == "required":
            with pytest.raises(GpuError, match="GPU is lost"):
                meter.stop()
            return
        metrics, reason = meter.stop()
        assert metrics is None and "GPU is lost" in reason and "dmesg" in reason
        meter.start()  # the next window fails at start: still a reason, not an exception
        assert meter.stop()[1].startswith(
            "NVML nvmlDeviceGetTotalEnergyConsumption failed: GPU is lost"
        )


# ---- life cycle -------------------------------------------------------------------


def test_start_stop_protocol_errors_and_reuse(fake):
    s = _sampler(fake)
    try:
        with pytest.raises(InvalidArgument, match="not running"):
            s.stop()
        s.start()
        with pytest.raises(InvalidArgument, match="already running"):
            s.start()
        first = s.stop()
        second, _, _ = _window(s, 0.02)  # a sampler is reusable: each pair is a window
        assert first["samples"] >= 2 and second["samples"] >= 2
    finally:
        s.close()
    s.close()  # idempotent
    assert s.closed
    with pytest.raises(InvalidArgument, match="closed"):
        s.start()


def test_context_manager_stops_and_closes(fake):
    with _sampler(fake) as s:
        assert s.running
        time.sleep(0.02)
    assert s.closed and s.result is not None
    assert s.result["energy_source"] == "energy_counter"


def test_close_while_running_joins_the_thread_and_unloads(fake, tmp_path, monkeypatch):
    log = tmp_path / "nvml.log"
    monkeypatch.setenv("FAKE_NVML_LOG", str(log))
    baseline = _threads()
    a = _sampler(fake)
    b = _sampler(fake)  # a second user shares the loaded library
    a.start()
    b.start()
    assert _threads() == baseline + 2
    a.close()
    assert _threads(baseline + 1) == baseline + 1
    assert _mapped(fake)
    b.close()
    assert _threads(baseline) == baseline
    assert not _mapped(fake)  # dlclose on the last user
    assert log.read_text().split() == ["init", "init", "shutdown", "shutdown", "unload"]


def test_one_sampling_thread_for_the_samplers_life(fake):
    # created with the sampler, not per window: a sampler made before perf
    # counters open (inherit=1) keeps its thread out of the measured code
    baseline = _threads()
    s = _sampler(fake)
    try:
        assert _threads() == baseline + 1
        for _ in range(3):
            s.start()
            assert _threads() == baseline + 1
            s.stop()
    finally:
        s.close()
    assert _threads(baseline) == baseline


def test_garbage_collection_stops_a_running_sampler(fake, tmp_path, monkeypatch):
    log = tmp_path / "nvml.log"
    monkeypatch.setenv("FAKE_NVML_LOG", str(log))
    baseline = _threads()
    s = _sampler(fake)
    s.start()
    del s
    gc.collect()
    assert _threads(baseline) == baseline
    assert log.read_text().split() == ["init", "shutdown", "unload"]


def test_a_forked_child_does_not_touch_the_parents_sampler(fake):
    s = _sampler(fake)
    try:
        s.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded fork" on 3.12+
            pid = os.fork()
        if pid == 0:  # child: using or closing the copy must neither hang nor crash
            code = 0
            try:
                s.stop()
                code = 3
            except InvalidArgument:
                pass
            except BaseException:
                code = 4
            s.close()
            if not _mapped(fake):  # never dlclose in the child: the library is the parent's
                code = 5
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        r = s.stop()
        assert r["energy_source"] == "energy_counter"
    finally:
        s.close()


# ---- inventory through pynvml (subprocesses: LD_LIBRARY_PATH must be set at start) ----

INVENTORY = "import json, perfcount.counters.gpu as g; print(json.dumps(g.inventory()))"


def _inventory_in_subprocess(env_extra: dict[str, str], code: str = INVENTORY) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("FAKE_NVML_", "PERFCOUNT_NVML"))
    }
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)


def test_inventory_through_pynvml(fake):
    pytest.importorskip("pynvml")
    inv = _inventory_in_subprocess(
        {
            "LD_LIBRARY_PATH": str(fake.parent),
            "FAKE_NVML_DEVICES": "2",
            "FAKE_NVML_MEM_TOTAL": "25769803776",
            "FAKE_NVML_POWER_LIMIT_MW": "250000",
        }
    )
    assert inv["available"] is True
    assert inv["driver_version"] == "999.99.99-fake"
    assert inv["nvml_version"] == "12.999.99-fake"
    assert inv["cuda_driver_version"] == "12.4"
    assert [g["uuid"] for g in inv["gpus"]] == [UUID0, UUID1]
    g0 = inv["gpus"][0]
    assert g0 == {
        "index": 0,
        "name": "Fake NVIDIA GPU 0",
        "uuid": UUID0,
        "mem_total_bytes": 24 << 30,
        "energy_counter": True,
        "power_limit_w": 250.0,
    }


def test_inventory_reports_missing_energy_counter_and_power_limit(fake):
    pytest.importorskip("pynvml")
    inv = _inventory_in_subprocess(
        {
            "LD_LIBRARY_PATH": str(fake.parent),
            "FAKE_NVML_ENERGY": "unsupported",
            "FAKE_NVML_UNSUPPORTED": "power_limit,memory_v2",
        }
    )
    [g0] = inv["gpus"]
    assert g0["energy_counter"] is False
    assert g0["power_limit_w"] is None
    assert g0["mem_total_bytes"] == 16 << 30  # from the v1 query


def test_inventory_honours_the_library_override(fake):
    pytest.importorskip("pynvml")
    inv = _inventory_in_subprocess({"PERFCOUNT_NVML_LIBRARY": str(fake)})
    assert inv["available"] is True and len(inv["gpus"]) == 1


def test_inventory_with_driver_not_loaded(fake):
    pytest.importorskip("pynvml")
    inv = _inventory_in_subprocess(
        {"LD_LIBRARY_PATH": str(fake.parent), "FAKE_NVML_INIT_ERROR": "9"}
    )
    assert inv["available"] is False
    assert "Driver Not Loaded" in inv["reason"] and "nvidia-smi" in inv["reason"]


def test_inventory_without_pynvml_says_how_to_install_it():
    code = "import sys; sys.modules['pynvml'] = None\n" + INVENTORY
    inv = _inventory_in_subprocess({}, code)
    assert inv == {
        "available": False,
        "reason": "pynvml (nvidia-ml-py) is not installed: pip install 'perfcount[gpu]'",
    }


def _real_nvml_present() -> bool:
    import ctypes

    try:
        ctypes.CDLL("libnvidia-ml.so.1")
    except OSError:
        return False
    return True


@pytest.mark.skipif(_real_nvml_present(), reason="a real libnvidia-ml.so.1 is installed here")
def test_no_driver_here_gives_reasons_not_crashes(monkeypatch):
    monkeypatch.delenv("PERFCOUNT_NVML_LIBRARY", raising=False)
    inv = inventory()
    assert inv["available"] is False
    assert "no NVIDIA driver" in inv["reason"]
    sampler, reason = sampler_for(True)
    assert sampler is None and "libnvidia-ml.so.1" in reason
    with pytest.raises(GpuError, match=r"libnvidia-ml\.so\.1"):
        sampler_for("required")


# ---- the real thing -----------------------------------------------------------------


@pytest.mark.needs_gpu
def test_real_gpu_sanity(monkeypatch):
    monkeypatch.delenv("PERFCOUNT_NVML_LIBRARY", raising=False)
    inv = inventory()
    assert inv["available"] is True and inv["gpus"]
    with GpuSampler(devices=[0]) as s:
        time.sleep(0.5)
    r = s.result
    assert r["energy_source"] in ENERGY_SOURCES
    assert r["samples"] >= 2
    if r["energy_mj"] is not None:
        assert r["energy_mj"] > 0
    assert r["devices"][0]["uuid"] == inv["gpus"][0]["uuid"]


# ---- through the public API (measure/run put the metrics into Counts.gpu) ---------


def test_run_and_measure_carry_gpu_metrics(fake, monkeypatch):
    import perfcount as pc
    from perfcount.counters.region import Counts

    monkeypatch.setenv("PERFCOUNT_NVML_LIBRARY", str(fake))
    result = pc.run(["sleep", "0.05"], events=["task-clock"], gpu="required")
    gpu = result.counts.gpu
    assert gpu["energy_source"] == "energy_counter" and gpu["energy_mj"] > 0
    assert gpu["duration_ns"] >= 50_000_000
    assert result.counts.gpu_reason is None
    again = Counts.from_dict(json.loads(json.dumps(result.counts.to_dict())))
    assert again.gpu == gpu

    with pc.measure(["task-clock"], gpu=True) as m:
        time.sleep(0.02)
    assert m.counts.gpu["devices"][0]["uuid"] == UUID0
    del m
    gc.collect()


def test_run_and_measure_without_a_driver_give_a_reason(tmp_path, monkeypatch):
    import perfcount as pc

    monkeypatch.setenv("PERFCOUNT_NVML_LIBRARY", str(tmp_path / "libnvidia-ml.so.1"))
    result = pc.run(["true"], events=["task-clock"], gpu=True)
    assert result.counts.gpu is None and "no NVIDIA driver" in result.counts.gpu_reason
    with pc.measure(["task-clock"], gpu=True) as m:
        pass
    assert m.counts.gpu is None and "no NVIDIA driver" in m.counts.gpu_reason
    with (
        pytest.raises(GpuError, match="no NVIDIA driver"),
        pc.measure(["task-clock"], gpu="required"),
    ):
        pass


# ---- what real drivers do that the fake now does too -------------------------------


def test_a_gpu_this_user_may_not_query_is_skipped_not_fatal(two_gpus, monkeypatch):
    # nvml.h: nvmlDeviceGetHandleByIndex_v2 returns NVML_ERROR_NO_PERMISSION
    # "if the user doesn't have permission to talk to this device"
    monkeypatch.setenv("FAKE_NVML_NO_PERMISSION_DEVICES", "1")
    s = _sampler(two_gpus)
    try:
        assert [d["index"] for d in s.devices] == [0] and s.selection == "all"
        [skipped] = s.skipped
        assert skipped["index"] == 1 and "Insufficient Permissions" in skipped["reason"]
        r, _, _ = _window(s, 0.03)
    finally:
        s.close()
    assert [d["index"] for d in r["devices"]] == [0]
    assert r["skipped"] == [skipped]
    assert r["energy_source"] == "energy_counter"
    # CUDA_VISIBLE_DEVICES naming it: left out, the rest measured
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1,0")
    assert _selected(two_gpus) == ([0], "CUDA_VISIBLE_DEVICES")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    # asking for it explicitly: an error naming it
    with pytest.raises(GpuError, match="GPU 1 may not be queried") as info:
        _selected(two_gpus, [1])
    assert info.value.errno == 4 and "/dev/nvidia" in info.value.hint
    # no GPU at all may be queried: an error, a reason for gpu=True
    monkeypatch.setenv("FAKE_NVML_NO_PERMISSION_DEVICES", "0,1")
    with pytest.raises(GpuError, match="none of the GPUs"):
        _selected(two_gpus)
    sampler, reason = sampler_for(True, library=two_gpus)
    assert sampler is None and "none of the GPUs" in reason


def test_mig_mode_memory_needs_root_and_the_rest_is_sampled(fake, monkeypatch):
    # nvml.h: in MIG mode the whole GPU's memory info is for root only
    # (NVML_ERROR_NO_PERMISSION, also from nvmlDeviceGetMemoryInfo_v2) and
    # utilisation is not supported
    monkeypatch.setenv("FAKE_NVML_MIG_DEVICES", "0")
    s = _sampler(fake)
    try:
        [dev] = s.devices
        assert dev["supported"]["memory"] is False and dev["supported"]["utilization"] is False
        assert dev["supported"]["energy_counter"] and dev["supported"]["power"]
        r, _, _ = _window(s, 0.03)
    finally:
        s.close()
    assert r["energy_source"] == "energy_counter" and r["energy_mj"] > 0
    assert r["peak_mem_bytes"] is None and r["mean_util_pct"] is None
    why = r["devices"][0]["unsupported"]["memory"]
    assert "Insufficient Permissions" in why and "MIG" in why


def test_a_mig_device_uuid_selects_its_gpu(two_gpus, monkeypatch):
    # CUDA_VISIBLE_DEVICES=MIG-<uuid>: NVML's power/energy are its GPU's
    monkeypatch.setenv("FAKE_NVML_MIG_DEVICES", "1")
    mig = "MIG-110fa4e00-0000-4000-8000-000000000001"  # GPU 1, MIG device 1
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", mig)
    assert _selected(two_gpus) == ([1], "CUDA_VISIBLE_DEVICES")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    assert _selected(two_gpus, [mig]) == ([1], "explicit")


def _short_window_after_start(monkeypatch, fake: Path, **env: str) -> dict:
    """A 0.2 s window right after NVML init (the GPU was idle at 20 W before)."""
    monkeypatch.setenv("FAKE_NVML_POWER_AVERAGED", "1")
    monkeypatch.setenv("FAKE_NVML_POWER_MW", "150000")
    monkeypatch.setenv("FAKE_NVML_IDLE_POWER_MW", "20000")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    s = _sampler(fake)
    try:
        r, _, _ = _window(s, 0.2)
    finally:
        s.close()
    return r


@pytest.mark.parametrize("value_type", ["uint", "sint", "ull", "double"])
def test_power_is_the_instant_field_and_the_average_comes_from_the_counter(
    fake, monkeypatch, value_type
):
    # Ampere (except GA100), Hopper and newer: nvmlDeviceGetPowerUsage is a
    # 1 s average, so a short window right after a change read lagged power
    r = _short_window_after_start(monkeypatch, fake, FAKE_NVML_POWER_FIELD_TYPE=value_type)
    [dev] = r["devices"]
    assert dev["power_source"] == "instant"
    assert r["peak_power_w"] == 150.0
    assert r["avg_power_w"] == pytest.approx(150.0, rel=1e-2)
    assert dev["power_integrated_mj"] == pytest.approx(150 * r["duration_ns"] / 1e6, rel=1e-6)


def test_without_the_instant_field_power_usage_is_used_and_the_counter_gives_the_average(
    fake, monkeypatch
):
    r = _short_window_after_start(monkeypatch, fake, FAKE_NVML_UNSUPPORTED="power_instant")
    [dev] = r["devices"]
    assert dev["power_source"] == "power_usage"
    assert r["peak_power_w"] < 150.0  # the lagging 1 s average, reported as such
    assert r["avg_power_w"] == pytest.approx(150.0, rel=1e-2)  # from the energy counter


# ---- measure(gpu=...) / run(gpu=...) when NVML fails (GpuMeter's policy) -----------


def _perf_fds() -> set[str]:
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:[perf_event]":
                out.add(fd)
    return out


def test_measure_when_the_gpu_is_lost_mid_region_gives_a_reason(fake, tmp_path, monkeypatch):
    import perfcount as pc

    lost = tmp_path / "lost"
    monkeypatch.setenv("PERFCOUNT_NVML_LIBRARY", str(fake))
    monkeypatch.setenv("FAKE_NVML_LOST_FILE", str(lost))
    with pc.measure(["task-clock"], gpu=True) as m:
        lost.touch()  # the GPU falls off the bus inside the region
        time.sleep(0.05)
    assert m.counts["task-clock"] > 0
    assert m.counts.gpu is None and "GPU is lost" in m.counts.gpu_reason
    lost.unlink()
    with pytest.raises(GpuError, match="GPU is lost"), pc.measure(["task-clock"], gpu="required"):
        lost.touch()
        time.sleep(0.05)
    del m
    gc.collect()


def test_run_when_the_gpu_is_lost_mid_run_keeps_the_childs_results(fake, tmp_path, monkeypatch):
    import perfcount as pc

    lost = tmp_path / "lost"
    monkeypatch.setenv("PERFCOUNT_NVML_LIBRARY", str(fake))
    monkeypatch.setenv("FAKE_NVML_LOST_FILE", str(lost))
    r = pc.run(["sh", "-c", f"touch '{lost}'; sleep 0.1; echo done"], events="task-clock", gpu=True)
    assert r.ok and r.stdout == b"done\n" and r.counts["task-clock"] > 0
    assert r.counts.gpu is None and "GPU is lost" in r.counts.gpu_reason
    lost.unlink()
    with pytest.raises(GpuError, match="GPU is lost"):
        pc.run(["sh", "-c", f"touch '{lost}'; sleep 0.1"], events="task-clock", gpu="required")


def test_a_failed_gpu_start_gives_a_reason_and_leaks_nothing(fake, monkeypatch):
    import perfcount as pc

    # the GPU is lost as the window starts: the probe read the energy counter
    # once, the start reads it a second time, then its first sample fails
    monkeypatch.setenv("PERFCOUNT_NVML_LIBRARY", str(fake))
    monkeypatch.setenv("FAKE_NVML_LOST_AFTER_ENERGY_READS", "2")
    baseline = _threads()
    before = _perf_fds()
    with pc.measure(["task-clock"], gpu=True) as m:
        pass
    assert m.counts.gpu is None and "GPU is lost" in m.counts.gpu_reason
    r = pc.run(["true"], events="task-clock", gpu=True)
    assert r.ok and r.counts.gpu is None and "GPU is lost" in r.counts.gpu_reason
    with pytest.raises(GpuError, match="GPU is lost"), pc.measure(["task-clock"], gpu="required"):
        pass
    with pytest.raises(GpuError, match="GPU is lost"):
        pc.run(["true"], events="task-clock", gpu="required")
    assert _threads(baseline) == baseline  # every sampler closed
    assert _perf_fds() == before  # and every private counter group
    del m
    gc.collect()  # the fixture then checks the library was unloaded


def test_a_gpu_measure_object_can_be_re_entered(fake, monkeypatch):
    import perfcount as pc

    # a decorated recursive function re-enters its measure object: the GPU
    # window is the outermost region's (the nested start said "already running")
    monkeypatch.setenv("PERFCOUNT_NVML_LIBRARY", str(fake))
    m = pc.measure(["task-clock"], gpu="required")

    @m
    def fib(n: int) -> int:
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    assert fib(8) == 21
    assert fib.counts.gpu["energy_source"] in ENERGY_SOURCES and fib.counts.gpu_reason is None


def test_inventory_lists_a_gpu_this_user_may_not_query_with_a_reason(fake):
    pytest.importorskip("pynvml")
    inv = _inventory_in_subprocess(
        {
            "LD_LIBRARY_PATH": str(fake.parent),
            "FAKE_NVML_DEVICES": "2",
            "FAKE_NVML_NO_PERMISSION_DEVICES": "0",
            "FAKE_NVML_MIG_DEVICES": "1",
        }
    )
    assert inv["available"] is True
    g0, g1 = inv["gpus"]
    assert g0["uuid"] is None and "Insufficient Permissions" in g0["reason"]
    assert g1["uuid"] == UUID1 and "reason" not in g1
    assert g1["mem_total_bytes"] is None  # MIG mode: root only
