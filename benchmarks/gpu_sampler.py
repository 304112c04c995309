"""Cost of GPU metrics: start()/stop() latency and the sampling thread's CPU use.

Runs against the test suite's fake libnvidia-ml.so.1 (built here with cc), so
it measures perfcount's own overhead (dlopen'ed calls, thread wake-ups,
summaries), not a driver's. On a real GPU each NVML query costs more (tens of
µs to ~1 ms); run with PERFCOUNT_NVML_LIBRARY unset and --real to see that.

Last line: empty-window latency, and sampling CPU as a fraction of one core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

FAKE = Path(__file__).resolve().parents[1] / "tests" / "fake_nvml" / "fake_nvml.c"


def build_fake(directory: Path) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise SystemExit("needs a C compiler to build the fake libnvidia-ml.so.1")
    out = directory / "libnvidia-ml.so.1"
    subprocess.run(
        [cc, "-shared", "-fPIC", "-O2", "-Wl,-soname,libnvidia-ml.so.1", "-o", str(out), str(FAKE)],
        check=True,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="use the installed NVIDIA driver")
    parser.add_argument("--devices", type=int, default=1, help="fake GPUs (default 1)")
    parser.add_argument("--interval-ms", type=float, default=10.0)
    parser.add_argument("--window-s", type=float, default=2.0, help="sampling window for CPU use")
    args = parser.parse_args()

    from perfcount.counters.gpu import GpuSampler

    with tempfile.TemporaryDirectory() as tmp:
        library = None
        if not args.real:
            library = build_fake(Path(tmp))
            os.environ["FAKE_NVML_DEVICES"] = str(args.devices)
        sampler = GpuSampler(library=library, interval_ms=args.interval_ms)
        try:
            laps = []
            for _ in range(2000):
                t = time.perf_counter_ns()
                sampler.start()
                sampler.stop()
                laps.append(time.perf_counter_ns() - t)
            empty_us = statistics.median(laps) / 1e3

            cpu0, wall0 = time.process_time(), time.perf_counter()
            time.sleep(args.window_s)
            idle_cpu = time.process_time() - cpu0
            idle_wall = time.perf_counter() - wall0

            cpu0, wall0 = time.process_time(), time.perf_counter()
            sampler.start()
            time.sleep(args.window_s)
            result = sampler.stop()
            busy_cpu = time.process_time() - cpu0
            busy_wall = time.perf_counter() - wall0
        finally:
            sampler.close()

    share = (busy_cpu / busy_wall) - (idle_cpu / idle_wall)
    print(f"devices: {len(result['devices'])}, interval {args.interval_ms:g} ms")
    print(f"samples in {busy_wall:.2f} s window: {result['samples']}")
    print(
        f"empty window start+stop: {empty_us:.1f} us (median of 2000); "
        f"sampling thread CPU: {share:.4f} of one core"
    )


if __name__ == "__main__":
    main()
