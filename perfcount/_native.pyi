"""Type stubs of perfcount's native module (hand-written; one section per native file)."""

from collections.abc import Iterable
from typing import Any

# ---- NVML (native/nvml.cpp) --------------------------------------------------
# GpuError raised by NVML failures carries the nvmlReturn_t in ``errno``
# (12 when libnvidia-ml cannot be loaded, 13 for a missing symbol).

class NvmlSampler:
    """NVML metrics of selected GPUs over start()..stop() windows (see perfcount.gpu).

    ``library``: path of libnvidia-ml (else $PERFCOUNT_NVML_LIBRARY, else
    "libnvidia-ml.so.1"); ``devices``: an index, a UUID (or unique UUID prefix),
    or an iterable of them; None means $CUDA_VISIBLE_DEVICES if set, else all
    GPUs. ``interval_ms`` in [0.1, 60000]. Raises GpuError (no library, init
    failure, no/unknown GPU) or InvalidArgument (malformed arguments).
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
    def interval_ms(self) -> float: ...
    @property
    def running(self) -> bool: ...
    @property
    def closed(self) -> bool: ...
