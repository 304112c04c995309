"""NVIDIA GPU metrics: the native NVML sampler around a region, and an inventory.

``sampler_for(gpu)`` gives a :class:`GpuSampler` (or the reason there is none);
:class:`GpuMeter` wraps it with the failure policy ``measure(gpu=...)`` and
``run(gpu=...)`` need (``True``: a reason instead of metrics; ``"required"``:
raise). The sampler is the C++ ``perfcount._native.NvmlSampler``: it dlopens
``libnvidia-ml.so.1`` itself (no pynvml needed), reads each selected GPU's
total-energy counter before and after the window and samples power,
utilisation, memory used and SM clock on its thread while the region or child
runs. ``stop()`` returns plain data (see :meth:`GpuSampler.stop`) whose
``energy_source`` says how far the energy can be trusted.

NVML metrics are device-wide: other processes using the same GPU during the
window are included. The sampling thread (named ``perfcount-nvml``) lives as
long as the sampler; perf counters opened with ``inherit=1`` *after* it was
created do not count it, counters opened before it do.

``inventory()`` (used by ``perfcount.info()``) describes the driver and GPUs
through pynvml, the optional ``perfcount[gpu]`` extra; it never raises.

Devices are chosen by ``devices=`` (indices or UUIDs / unique UUID prefixes),
else by ``CUDA_VISIBLE_DEVICES`` (CUDA's rule: entries up to the first one that
names no GPU; indices are NVML's PCI-bus order, which is CUDA's order only with
``CUDA_DEVICE_ORDER=PCI_BUS_ID`` — UUIDs are unambiguous), else all GPUs.
``PERFCOUNT_NVML_LIBRARY`` (or ``library=``) points at another libnvidia-ml.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from perfcount.errors import GpuError, InvalidArgument, PerfcountError

__all__ = ["ENERGY_SOURCES", "GpuMeter", "GpuSampler", "inventory", "sampler_for"]

#: Values of ``energy_source``, most to least trustworthy. The aggregate over
#: several GPUs carries the least trustworthy of its devices.
ENERGY_SOURCES = ("energy_counter", "power_integration", "window_too_short", "unavailable")

DeviceSelection = int | str | Iterable[int | str] | None

_INSTALL_PYNVML = "pip install 'perfcount[gpu]'"

# Hints by nvmlReturn_t, the same as native/nvml.cpp gives.
_HINTS = {
    4: "this user may not query the GPU: check the permissions of /dev/nvidia*",
    9: "install the NVIDIA driver / check nvidia-smi",
    12: "libnvidia-ml.so.1 not found: no NVIDIA driver on this machine",
    13: "the NVIDIA driver is too old for this query: update it",
    15: "the GPU fell off the bus or hung: check dmesg and nvidia-smi",
    18: "libnvidia-ml and the loaded NVIDIA kernel module differ: reboot or reinstall the driver",
}


class GpuSampler:
    """NVML metrics of the selected GPUs over ``start()`` … ``stop()`` windows.

    Reusable: each ``start()``/``stop()`` pair is a new window. As a context
    manager it starts on entry, and on exit stops (the metrics land in
    :attr:`result`) and closes. The sampling thread is stopped and joined and
    NVML shut down by :meth:`close`, on exit of the ``with`` block, or when the
    object is garbage-collected.
    """

    def __init__(
        self,
        devices: DeviceSelection = None,
        *,
        interval_ms: float = 10,
        library: str | os.PathLike[str] | None = None,
    ) -> None:
        try:
            from perfcount import _native
        except ImportError as exc:  # pragma: no cover - broken build
            raise GpuError(
                f"perfcount's native extension is not available: {exc}",
                hint="reinstall perfcount (pip install -e . or pip install perfcount)",
            ) from exc
        self._native = _native.NvmlSampler(
            devices, float(interval_ms), None if library is None else os.fspath(library)
        )
        #: the metrics of the last window closed by the ``with`` statement
        self.result: dict[str, Any] | None = None

    def start(self) -> None:
        """Read the energy counters, take the first sample, start the sampling thread."""
        self._native.start()

    def stop(self) -> dict[str, Any]:
        """Stop sampling; the window's metrics as plain data.

        Aggregated over the selected GPUs, and per GPU under ``devices``:
        ``energy_mj`` (None when unknown, never a silent 0), ``energy_source``
        (one of :data:`ENERGY_SOURCES`), ``avg_power_w``, ``peak_power_w`` (peak
        of the summed power), ``peak_mem_bytes``, ``mean_util_pct``,
        ``mean_mem_util_pct``, ``sm_clock_mhz_mean`` (means over GPUs),
        ``duration_ns``, ``samples`` (ticks, including one at start and one at
        stop), ``interval_ms``, ``selection``, ``driver_version``. Each device
        adds ``index``, ``uuid``, ``name``, ``energy_counter_mj`` (raw counter
        delta), ``power_integrated_mj``, ``mem_total_bytes``, ``power_source``
        (``"instant"``: the NVML_FI_DEV_POWER_INSTANT field; ``"power_usage"``:
        nvmlDeviceGetPowerUsage, a 1 s average on Ampere except GA100, Hopper
        and newer; None without power samples) and ``unsupported`` (metric →
        why). ``avg_power_w`` is the energy counter's delta over the duration
        whenever the counter counted the window, else the integrated power.
        ``skipped`` lists the GPUs left out because this user may not query
        them (``index``, ``reason``). Raises :class:`GpuError` when NVML failed
        during the window (e.g. the GPU was lost).
        """
        return self._native.stop()

    def close(self) -> None:
        """Stop the thread if running (discarding the window) and release NVML. Idempotent."""
        self._native.close()

    @property
    def devices(self) -> list[dict[str, Any]]:
        """The selected GPUs: index, uuid, name, mem_total_bytes, supported metrics."""
        return self._native.devices

    @property
    def driver_version(self) -> str | None:
        return self._native.driver_version

    @property
    def library(self) -> str:
        """The libnvidia-ml that was loaded."""
        return self._native.library

    @property
    def selection(self) -> str:
        """How devices were chosen: ``explicit``, ``CUDA_VISIBLE_DEVICES`` or ``all``."""
        return self._native.selection

    @property
    def skipped(self) -> list[dict[str, Any]]:
        """GPUs NVML lists that this user may not query (``index``, ``reason``), left out."""
        return self._native.skipped

    @property
    def interval_ms(self) -> float:
        return self._native.interval_ms

    @property
    def running(self) -> bool:
        return self._native.running

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __enter__(self) -> GpuSampler:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.result = self.stop()
        finally:
            self.close()

    def __repr__(self) -> str:
        if self.closed:
            return "<GpuSampler closed>"
        gpus = ", ".join(f"{d['index']}:{d['name'] or d['uuid']}" for d in self.devices)
        state = "running" if self.running else "idle"
        return f"<GpuSampler {state} [{gpus}] every {self.interval_ms:g} ms>"


def _reason(exc: PerfcountError) -> str:
    return f"{exc.message}; {exc.hint}" if exc.hint and exc.hint not in exc.message else exc.message


def sampler_for(
    gpu: bool | str,
    *,
    devices: DeviceSelection = None,
    interval_ms: float = 10,
    library: str | os.PathLike[str] | None = None,
) -> tuple[GpuSampler | None, str | None]:
    """The GPU sampler a measurement asked for, as ``(sampler, reason)``.

    ``gpu=False`` → ``(None, None)``; ``True`` → ``(sampler, None)``, or
    ``(None, reason)`` when there is no usable driver/GPU here; ``"required"`` →
    ``(sampler, None)`` or :class:`GpuError` with the reason. Bad arguments
    (devices, interval) raise :class:`InvalidArgument` in every mode.
    """
    if gpu is False or gpu is None:
        return None, None
    if gpu is not True and gpu != "required":
        raise InvalidArgument(
            f"gpu={gpu!r} is not a GPU mode",
            hint="pass gpu=False, gpu=True (metrics when a GPU is there) or gpu='required'",
        )
    try:
        return GpuSampler(devices, interval_ms=interval_ms, library=library), None
    except InvalidArgument:
        raise
    except GpuError as exc:
        if gpu == "required":
            raise
        return None, _reason(exc)


class GpuMeter:
    """GPU metrics for ``measure(gpu=...)`` / ``run(gpu=...)`` windows, with their failure policy.

    ``gpu=False``: every window gives ``(None, None)``. ``True``: ``(metrics,
    None)``, or ``(None, reason)`` when there is no GPU/driver or NVML failed
    during the window — the measurement itself goes on. ``"required"``: any
    such failure raises :class:`GpuError` (at construction when there is no
    GPU). One NVML session serves all windows (``count(repeat=...)``); close it
    with :meth:`close` or a ``with`` block::

        with GpuMeter(gpu) as meter:
            meter.start()
            region()
            metrics, reason = meter.stop()   # -> Counts(gpu=metrics, gpu_reason=reason)
    """

    def __init__(
        self,
        gpu: bool | str,
        *,
        devices: DeviceSelection = None,
        interval_ms: float = 10,
        library: str | os.PathLike[str] | None = None,
    ) -> None:
        self.mode = gpu
        self.sampler, self.reason = sampler_for(
            gpu, devices=devices, interval_ms=interval_ms, library=library
        )
        self._window_reason: str | None = None

    @property
    def enabled(self) -> bool:
        """True when GPU metrics were asked for (even if unavailable here)."""
        return self.mode is not False and self.mode is not None

    def start(self) -> None:
        """Begin a window (no-op without a sampler)."""
        self._window_reason = None
        if self.sampler is None:
            return
        try:
            self.sampler.start()
        except GpuError as exc:
            if self.mode == "required":
                raise
            self._window_reason = _reason(exc)

    def stop(self) -> tuple[dict[str, Any] | None, str | None]:
        """End the window: ``(metrics, None)`` or ``(None, reason)``; ``(None, None)`` when off."""
        if self.sampler is None:
            return None, self.reason
        if self._window_reason is not None:
            return None, self._window_reason
        try:
            return self.sampler.stop(), None
        except GpuError as exc:
            if self.mode == "required":
                raise
            return None, _reason(exc)

    def close(self) -> None:
        """Release the sampler (joins its thread if a window is still open)."""
        if self.sampler is not None:
            self.sampler.close()

    def __enter__(self) -> GpuMeter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _pynvml_reason(pynvml: Any, exc: Exception) -> str:
    code = getattr(exc, "value", None)
    if code is None:
        return f"NVML failed: {exc}"
    hint = _HINTS.get(code, "check that nvidia-smi works")
    return f"NVML: {exc} (nvmlReturn_t {code}); {hint}"


def _version_text(v: int) -> str:
    return f"{v // 1000}.{v % 1000 // 10}"


def inventory() -> dict[str, Any]:
    """Driver and GPUs as plain data, through pynvml; never raises.

    ``{"available": True, "driver_version", "nvml_version",
    "cuda_driver_version", "gpus": [{"index", "name", "uuid",
    "mem_total_bytes", "energy_counter", "power_limit_w"}]}`` where
    ``energy_counter`` is True/False (or None when the probe failed otherwise)
    and unknown values are None; a GPU this user may not query has None
    values and a ``reason``. ``{"available": False, "reason": ...}`` when
    pynvml, the driver or a (queryable) GPU is missing.
    """
    try:
        import pynvml
    except ImportError:
        return {
            "available": False,
            "reason": f"pynvml (nvidia-ml-py) is not installed: {_INSTALL_PYNVML}",
        }
    try:
        return _inventory(pynvml)
    except Exception as exc:  # never raise: info() must always answer
        return {"available": False, "reason": _pynvml_reason(pynvml, exc)}


def _memory_info(pynvml: Any, handle: Any, ask: Any) -> Any:
    """nvmlMemory_v2 when this pynvml and driver have it, else v1, else None."""
    v2 = getattr(pynvml, "nvmlMemory_v2", None)
    if v2 is not None:
        try:
            memory = ask(pynvml.nvmlDeviceGetMemoryInfo, handle, v2)
        except TypeError:  # a pynvml without the version argument
            memory = None
        if memory is not None:
            return memory
    return ask(pynvml.nvmlDeviceGetMemoryInfo, handle)


def _inventory(pynvml: Any) -> dict[str, Any]:
    override = os.environ.get("PERFCOUNT_NVML_LIBRARY")
    if override and getattr(pynvml, "nvmlLib", None) is None:
        import ctypes

        try:
            # pynvml loads "libnvidia-ml.so.1" unless nvmlLib is already set
            pynvml.nvmlLib = ctypes.CDLL(override)
        except OSError as exc:
            return {
                "available": False,
                "reason": f"PERFCOUNT_NVML_LIBRARY={override} cannot be loaded: {exc}",
            }
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        return {"available": False, "reason": _pynvml_reason(pynvml, exc)}

    def ask(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except pynvml.NVMLError:
            return None

    try:
        count = pynvml.nvmlDeviceGetCount()
        cuda = ask(pynvml.nvmlSystemGetCudaDriverVersion)
        out: dict[str, Any] = {
            "available": count > 0,
            "driver_version": ask(pynvml.nvmlSystemGetDriverVersion),
            "nvml_version": ask(pynvml.nvmlSystemGetNVMLVersion),
            "cuda_driver_version": None if cuda is None else _version_text(cuda),
            "gpus": [],
        }
        if count == 0:
            out["reason"] = "NVML reports no GPU on this machine; check that nvidia-smi lists one"
        for index in range(count):
            try:
                handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            except pynvml.NVMLError as exc:
                # e.g. NO_PERMISSION for one GPU this user may not open: that
                # GPU has a reason, the others are still listed
                out["gpus"].append(
                    {
                        "index": index,
                        "name": None,
                        "uuid": None,
                        "mem_total_bytes": None,
                        "energy_counter": None,
                        "power_limit_w": None,
                        "reason": _pynvml_reason(pynvml, exc),
                    }
                )
                continue
            memory = _memory_info(pynvml, handle, ask)
            limit = ask(pynvml.nvmlDeviceGetPowerManagementLimit, handle)
            try:
                pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)
                energy: bool | None = True
            except pynvml.NVMLError as exc:
                energy = False if exc.value == pynvml.NVML_ERROR_NOT_SUPPORTED else None
            out["gpus"].append(
                {
                    "index": index,
                    "name": ask(pynvml.nvmlDeviceGetName, handle),
                    "uuid": ask(pynvml.nvmlDeviceGetUUID, handle),
                    "mem_total_bytes": None if memory is None else int(memory.total),
                    "energy_counter": energy,
                    "power_limit_w": None if limit is None else limit / 1000.0,
                }
            )
        if count and all("reason" in g for g in out["gpus"]):
            out["available"] = False
            out["reason"] = "this user may query none of the GPUs: " + out["gpus"][0]["reason"]
        return out
    finally:
        ask(pynvml.nvmlShutdown)
