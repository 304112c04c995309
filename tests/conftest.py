"""Shared test configuration: capability markers that skip with the reason."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile

import pytest

# One reference cache per test session, never the user's (~/.cache/perfcount): costs a
# previous session cached (on this machine, by another version of the tests, under other
# load) must not decide this session's scores, and the tests must not fill the user's
# cache. Subprocesses (the CLI tests) inherit it through the environment.
_SESSION_CACHE = tempfile.mkdtemp(prefix="perfcount-test-cache-")
os.environ["PERFCOUNT_CACHE_DIR"] = _SESSION_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@functools.cache
def pmu_reason() -> str | None:
    """None when the hardware instruction counter opens here, else why not."""
    try:
        from perfcount import _native  # noqa: F401
        from perfcount.counters.region import measure
    except Exception as exc:  # pragma: no cover - broken build
        return f"native extension unavailable: {exc}"
    try:
        with measure(["instructions"], backend="perf"):
            pass
    except Exception as exc:
        return f"no hardware PMU here: {exc}".splitlines()[0]
    return None


@functools.cache
def gpu_reason() -> str | None:
    try:
        import pynvml

        pynvml.nvmlInit()
        n = pynvml.nvmlDeviceGetCount()
        pynvml.nvmlShutdown()
    except Exception as exc:
        return f"no NVIDIA GPU/driver here: {exc}"
    return None if n else "NVML reports 0 GPUs"


@functools.cache
def qemu_reason() -> str | None:
    """None when the qemu backend works here (qemu-user, -plugin, perfcount's plugin), else why not."""
    from perfcount.counters import qemu
    from perfcount.errors import BackendError

    try:
        qemu.check_available()
    except BackendError as exc:
        return f"qemu backend unavailable: {str(exc).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def build_c(tmp_path_factory: pytest.TempPathFactory):
    """``build_c(name, source, *flags)``: the path of ``source`` compiled with -O1 and pthreads.

    Skips the test when there is no C compiler.
    """
    import subprocess

    def build(name: str, source: str, *flags: str) -> str:
        cc = shutil.which("cc") or shutil.which("gcc")
        if cc is None:
            pytest.skip("no C compiler (cc/gcc)")
        d = tmp_path_factory.mktemp(name)
        (d / f"{name}.c").write_text(source)
        out = d / name
        argv = [cc, "-O1", *flags, "-o", str(out), str(d / f"{name}.c"), "-lpthread"]
        subprocess.run(argv, check=True)
        return str(out)

    return build


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("needs_pmu") and (why := pmu_reason()):
            item.add_marker(pytest.mark.skip(reason=why))
        if item.get_closest_marker("needs_gpu") and (why := gpu_reason()):
            item.add_marker(pytest.mark.skip(reason=why))
        if item.get_closest_marker("needs_qemu") and (why := qemu_reason()):
            item.add_marker(pytest.mark.skip(reason=why))
        if item.get_closest_marker("needs_valgrind") and shutil.which("valgrind") is None:
            item.add_marker(
                pytest.mark.skip(reason="valgrind is not installed (apt-get install -y valgrind)")
            )
