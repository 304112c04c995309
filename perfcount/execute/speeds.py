"""How fast each backend runs here, relative to native: the ``speeds`` part of ``perfcount.info()``.

A small fixed Python workload (:data:`WORKLOAD`, about 1.5e8 instructions:
dicts, strings, sorting, integer arithmetic) is run by this interpreter
natively and under every backend that works here (``perf``/``software``
through :func:`perfcount.counters.process.run`, ``qemu`` with perfcount's
plugin, ``valgrind`` under callgrind, ``cachegrind`` with ``--cache-sim=no``),
round-robin, :data:`RUNS` times each. The workload measures its own CPU time
(``time.process_time()`` around the work: the interpreter's start-up, which
a fork server pays once, is left out); the minimum over the runs is kept, as
it is the least moved by other load on the machine. The ratios are cached per
machine (fingerprint, this interpreter, perfcount and tool versions) in the
user cache folder (:func:`perfcount.dpe.refcache.cache_dir`), so only the first
call pays the ~20 s (mostly callgrind's start-up) this takes.

The numbers are informative (``perfcount info``); nothing decides on them:
``auto``'s order is fixed (:data:`perfcount.counters.backends.DETERMINISTIC`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from perfcount._version import __version__
from perfcount.counters import host
from perfcount.counters.backends import BACKENDS
from perfcount.errors import PerfcountError

__all__ = ["RUNS", "SIZE", "WORKLOAD", "availability", "measure_speeds", "speeds"]

#: the workload's size argument: about 1.5e8 instructions of work (qemu's count; ~20 ms
#: natively here: smaller sizes left the native time to the machine's noise)
SIZE = 20_000
#: runs per emulating backend (the minimum CPU time is kept); native-speed kinds (native,
#: perf, software) run 3x as often, as they cost little and their times are small
RUNS = 3
_NATIVE_SPEED = ("native", "perf", "software")
#: bump when the workload or the method changes: cached numbers are not mixed
_METHOD = 1

WORKLOAD = """
import sys
import time


def work(n):
    d = {}
    for i in range(n):
        d["k" + str(i)] = i * 7 % 1009
    words = sorted(d, key=lambda k: (d[k], k))
    total = 0
    for w in words:
        total += len(w) + d[w]
    return total + sum(x * x for x in range(n) if x % 3)


t0 = time.process_time()
out = work(int(sys.argv[1]))
t1 = time.process_time()
print(out, repr(t1 - t0))
"""


def _env() -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", os.defpath), "PYTHONHASHSEED": "0", "LC_ALL": "C"}
    for name in ("LD_LIBRARY_PATH", "PYTHONHOME"):  # the interpreter may need them
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _native(argv: list[str], env: dict[str, str]) -> tuple[bytes, int]:
    done = subprocess.run(argv, capture_output=True, env=env, timeout=300, check=False)
    return done.stdout, done.returncode


def _counted(name: str) -> Callable[[list[str], dict[str, str]], tuple[bytes, int]]:
    """How ``name`` runs a command (the tool the backend's fork server runs under)."""
    from perfcount.counters import process
    from perfcount.counters.backends.cachegrind import server_argv

    def run(argv: list[str], env: dict[str, str]) -> tuple[bytes, int]:
        if name == "cachegrind":
            with tempfile.TemporaryDirectory(prefix="perfcount-speed-") as tmp:
                cmd = [a for a in server_argv(Path(tmp), argv) if a != "-v"]
                cmd = [a for a in cmd if a != "--instr-at-start=no"]
                return _native(cmd, env)
        res = process.run(argv, backend=name, env=env, timeout=300)
        return res.stdout, 0 if res.ok else 1

    return run


def availability() -> dict[str, dict[str, Any]]:
    """Per backend: ``available`` and, when not, the first line of why (its own check)."""
    out: dict[str, dict[str, Any]] = {}
    for name, cls in BACKENDS.items():
        try:
            cls().check_available()
        except PerfcountError as exc:
            out[name] = {"available": False, "reason": str(exc).splitlines()[0]}
        else:
            out[name] = {"available": True, "reason": None}
    return out


def measure_speeds(runs: int = RUNS) -> dict[str, Any]:
    """Measure now (no cache): per backend ``available``, ``reason``, ``cpu_s``, ``x_native``."""
    backends = availability()
    env = _env()
    with tempfile.TemporaryDirectory(prefix="perfcount-speed-") as tmp:
        script = Path(tmp) / "workload.py"
        script.write_text(WORKLOAD)
        argv = [sys.executable, str(script), str(SIZE)]
        kinds: dict[str, Callable[[list[str], dict[str, str]], tuple[bytes, int]]] = {
            "native": _native
        }
        kinds.update({n: _counted(n) for n, b in backends.items() if b["available"]})
        best: dict[str, float] = {}
        errors: dict[str, str] = {}
        answer: bytes | None = None
        for i in range(3 * runs):  # round-robin: load from elsewhere hits every kind alike
            for kind, fn in kinds.items():
                if kind in errors or (i >= runs and kind not in _NATIVE_SPEED):
                    continue
                try:
                    stdout, code = fn(argv, env)
                    value, cpu = stdout.split()
                    if code != 0 or (answer is not None and value != answer):
                        raise ValueError(f"exit status {code}, output {stdout[:80]!r}")
                    answer = value
                    best[kind] = min(best.get(kind, float("inf")), float(cpu))
                except (PerfcountError, ValueError, OSError, subprocess.SubprocessError) as exc:
                    errors[kind] = f"the workload failed under it: {exc}".splitlines()[0]
    native = best.get("native")
    for name, entry in backends.items():
        cpu = best.get(name)
        entry["cpu_s"] = cpu
        entry["x_native"] = round(cpu / native, 2) if cpu and native else None
        if name in errors:
            entry["error"] = errors[name]
    return {
        "workload": f"perfcount.execute.speeds.WORKLOAD({SIZE}), the least CPU time of "
        f"{runs} runs ({3 * runs} at native speed)",
        "python": sys.executable,
        "native_cpu_s": native,
        "native_error": errors.get("native"),
        "backends": backends,
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _key() -> str:
    from perfcount.counters.backends.cachegrind import valgrind_version
    from perfcount.counters.qemu import describe as qemu_describe

    parts = {
        "method": _METHOD,
        "fingerprint": host.fingerprint(),
        "python": sys.executable,
        "perfcount": __version__,
        "valgrind": valgrind_version(),
        "qemu": qemu_describe().get("version"),
        "pmu": host.pmu()["present"],
        "tools": [shutil.which(t) for t in ("valgrind", "qemu-x86_64")],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


def speeds(
    *, refresh: bool = False, cache_dir: Path | None = None, runs: int = RUNS
) -> dict[str, Any]:
    """:func:`measure_speeds`, cached per machine in ``<cache>/speeds/<key>.json``.

    ``refresh=True`` measures again (``runs`` runs per emulating backend). The result says where it came from
    (``cached``: True/False, ``cache_file``; ``cache_error`` when it could not
    be written). A cache file that does not parse is measured over.
    """
    from perfcount._util.atomic import write_atomic
    from perfcount.dpe.refcache import cache_dir as default_cache_dir

    folder = (cache_dir or default_cache_dir()) / "speeds"
    path = folder / f"{_key()}.json"
    if not refresh:
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(path.read_text())
            if isinstance(data, dict) and isinstance(data.get("backends"), dict):
                return {**data, "cached": True, "cache_file": str(path)}
    data = measure_speeds(runs)
    out = {**data, "cached": False, "cache_file": str(path)}
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, json.dumps(data, indent=1), mode=0o600, durable=False)
    except OSError as exc:
        out["cache_error"] = f"not cached ({exc})"
    return out
