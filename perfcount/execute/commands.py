"""Candidates that are commands in any language: build, run, check, count.

A *command task* (``Task.run`` set; ``Task.language`` e.g. ``"c"``, ``"cpp"``)
has candidates that are source files. Each candidate is

1. **built** in its own temporary folder with the task's ``build`` argv
   template (``{src}`` the source file, ``{bin}`` the output program, ``{dir}``
   the folder; a language default when the task gives none), under a build
   time limit. A failing build is the status ``build_failed`` with the
   compiler's output in the error;
2. **run** once per workload input, each input being one process: its
   ``stdin`` payload and extra ``args`` appended to the ``run`` template
   (default ``["{bin}"]``). The whole process tree is counted with
   :func:`perfcount.run` (``perf_event`` with ``inherit``, from exec to exit),
   or, with the ``valgrind`` backend, run under ``callgrind
   --trace-children=yes`` with the ``totals:`` of every process summed
   (:func:`run_callgrind`). The cost of a workload is the sum over its inputs;
3. **checked** by comparing stdout with the expected output of each test
   (``compare``: ``exact`` bytes, ``lines`` (trailing spaces and blank lines at
   the end ignored), ``whitespace`` (the default: the same whitespace-separated
   tokens) or ``float`` (tokens, numbers equal within ``atol``/``rtol``)).

Statuses are the runner's (``ok``, ``failed`` for wrong output or a non-zero
exit, ``timeout``, ``crashed`` for death by a signal, ``output_too_large``)
plus ``build_failed``. :class:`CommandRunner` has the same ``profile`` /
``check`` interface as :class:`perfcount.execute.runner.Runner`, so evaluation and
curation treat both alike.

Input items (``pe_input``, ``tests``) are a string (the stdin text) or an
object ``{"stdin": str, "args": [str, ...]}`` (``"stdin_base64"`` for binary
payloads). Expected outputs are stdout strings.

PerfCodeBench-style anchors: a task may carry a ``baseline`` and an
``expert`` source; :func:`speedup_fields` defines ``speedup_vs_baseline`` and
``share_of_expert_speedup`` (see there).

Command pools for curation are folders of task folders (see
:func:`load_command_task_dir`); :func:`curate_command_task` curates one.

Limits: a candidate runs as this user in its own process group (a timeout
kills the group); there is no memory or process-count sandbox for commands
(unlike Python candidates), so run untrusted code in a container.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfcount._util import plain
from perfcount.errors import BackendError, DatasetError, InvalidArgument

__all__ = [
    "COMPARE_MODES",
    "LANGUAGES",
    "BuildResult",
    "CommandInput",
    "CommandRunner",
    "CommandSpec",
    "compare_output",
    "curate_command_task",
    "gpu_cost",
    "is_command_pool_dir",
    "load_command_pool_dir",
    "load_command_task_dir",
    "parse_input",
    "run_callgrind",
    "speedup_fields",
    "validate_command_row",
]

COMPARE_MODES = ("exact", "lines", "whitespace", "float")
DEFAULT_BUILD_TIMEOUT = 120.0
_SHOWN = 1500  # characters of compiler output / stderr kept in an error
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_TEMPLATE_NAMES = {"src", "bin", "dir"}

#: Per language: source file name, default build and run templates.
LANGUAGES: dict[str, dict[str, Any]] = {
    "c": {
        "source": "main.c",
        "build": ["gcc", "-O2", "-std=c11", "-pthread", "{src}", "-o", "{bin}", "-lm"],
        "run": ["{bin}"],
    },
    "cpp": {
        "source": "main.cpp",
        "build": ["g++", "-O2", "-std=c++17", "-pthread", "{src}", "-o", "{bin}"],
        "run": ["{bin}"],
    },
    "rust": {
        "source": "main.rs",
        "build": ["rustc", "-O", "{src}", "-o", "{bin}"],
        "run": ["{bin}"],
    },
    "go": {"source": "main.go", "build": ["go", "build", "-o", "{bin}", "{src}"], "run": ["{bin}"]},
    "sh": {"source": "main.sh", "build": None, "run": ["sh", "{src}"]},
    "bash": {"source": "main.sh", "build": None, "run": ["bash", "{src}"]},
    "python": {"source": "main.py", "build": None, "run": ["python3", "{src}"]},
}
_ALIASES = {"c++": "cpp", "cxx": "cpp", "rs": "rust", "golang": "go", "py": "python"}
_EXTENSIONS = {
    ".c": "c",
    ".cpp": "cpp",
    ".cc": "cpp",
    ".cxx": "cpp",
    ".rs": "rust",
    ".go": "go",
    ".sh": "sh",
    ".py": "python",
}


# --------------------------------------------------------------------------
# specs and inputs


def _template(value: Any, what: str) -> tuple[str, ...]:
    import shlex

    if isinstance(value, str):
        parts = shlex.split(value)
    elif isinstance(value, (list, tuple)) and all(isinstance(a, str) for a in value):
        parts = list(value)
    else:
        raise InvalidArgument(
            f"{what} must be an argv list of strings (or a command string), got {value!r}",
            hint='e.g. ["g++", "-O2", "{src}", "-o", "{bin}"]',
        )
    if not parts:
        raise InvalidArgument(f"{what} is empty", hint="give the program and its arguments")
    for a in parts:
        for name in _PLACEHOLDER.findall(a):
            if name not in _TEMPLATE_NAMES:
                raise InvalidArgument(
                    f"{what}: unknown placeholder {{{name}}} in {a!r}",
                    hint="use {src} (source file), {bin} (built program), {dir} (build folder)",
                )
    return tuple(parts)


def _fill(template: Sequence[str], values: Mapping[str, str]) -> list[str]:
    return [_PLACEHOLDER.sub(lambda m: values[m.group(1)], a) for a in template]


@dataclass(frozen=True)
class CommandSpec:
    """How to build, run and check one command task's candidates.

    ``build`` is ``None`` for interpreted languages; ``source_name`` is the
    file the candidate is written to (``main.c``, ...); ``compare`` one of
    :data:`COMPARE_MODES`; ``build_timeout`` seconds.
    """

    language: str
    run: tuple[str, ...]
    build: tuple[str, ...] | None = None
    source_name: str = "main.txt"
    compare: str = "whitespace"
    atol: float = 0.0
    rtol: float = 0.0
    build_timeout: float = DEFAULT_BUILD_TIMEOUT
    env: Mapping[str, str] | None = None

    @classmethod
    def create(
        cls,
        language: str,
        *,
        run: Any = None,
        build: Any = "default",
        compare: str = "whitespace",
        atol: float = 0.0,
        rtol: float = 0.0,
        build_timeout: float = DEFAULT_BUILD_TIMEOUT,
        source_name: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> CommandSpec:
        """Validate and fill language defaults (``build="default"``; ``None`` = no build)."""
        if not isinstance(language, str) or not language:
            raise InvalidArgument(f"language must be a non-empty string, got {language!r}")
        lang = _ALIASES.get(language.lower(), language.lower())
        defaults = LANGUAGES.get(lang, {})
        if build == "default":
            build = defaults.get("build")
            if build is None and not defaults:
                raise InvalidArgument(
                    f"no default build command for language {language!r}",
                    hint="give the task a build argv template, e.g. "
                    '["cc", "{src}", "-o", "{bin}"], or build: null for interpreted code',
                )
        if run is None:
            run = defaults.get("run", ["{bin}"])
        run_t = _template(run, "run")
        build_t = None if build is None else _template(build, "build")
        if build_t is None and any("{bin}" in a for a in run_t):
            raise InvalidArgument(
                "run uses {bin} but there is no build step",
                hint="give a build template that writes {bin}, or run {src} with an interpreter",
            )
        if compare not in COMPARE_MODES:
            raise InvalidArgument(
                f"unknown compare mode {compare!r}", hint="use one of: " + ", ".join(COMPARE_MODES)
            )
        for name, tol in (("atol", atol), ("rtol", rtol)):
            if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol >= 0:
                raise InvalidArgument(f"{name} must be a number >= 0, got {tol!r}")
        if not isinstance(build_timeout, (int, float)) or not build_timeout > 0:
            raise InvalidArgument(f"build_timeout must be > 0 seconds, got {build_timeout!r}")
        name = source_name or defaults.get("source") or f"main.{lang}"
        if "/" in name or name in (".", ".."):
            raise InvalidArgument(f"source_name must be a plain file name, got {name!r}")
        return cls(
            language=lang,
            run=run_t,
            build=build_t,
            source_name=name,
            compare=compare,
            atol=float(atol),
            rtol=float(rtol),
            build_timeout=float(build_timeout),
            env=dict(env) if env is not None else None,
        )

    @classmethod
    def from_task(cls, task: Any) -> CommandSpec:
        """The spec of a :class:`perfcount.dpe.datasets.Task` (``extra`` may hold ``compare``,
        ``build_timeout``, ``source_name``, and ``no_build: true`` for interpreted code)."""
        extra = dict(getattr(task, "extra", {}) or {})
        build = None if extra.get("no_build") else (task.build or "default")
        try:
            return cls.create(
                task.language,
                run=task.run,
                build=build,
                compare=extra.get("compare", "whitespace"),
                atol=task.atol,
                rtol=task.rtol,
                build_timeout=extra.get("build_timeout", DEFAULT_BUILD_TIMEOUT),
                source_name=extra.get("source_name"),
            )
        except InvalidArgument as exc:
            raise DatasetError(str(exc), path=task.task_id, hint=exc.hint) from None


@dataclass(frozen=True)
class CommandInput:
    """One process of a workload: bytes fed to stdin and extra argv items."""

    stdin: bytes = b""
    args: tuple[str, ...] = ()

    def describe(self, limit: int = 120) -> str:
        text = self.stdin[:limit].decode("utf-8", "replace").replace("\n", "\\n")
        more = "..." if len(self.stdin) > limit else ""
        args = f" args={list(self.args)}" if self.args else ""
        return f"(stdin {len(self.stdin)} bytes: {text!r}{more}{args})"


def parse_input(item: Any, where: str = "input") -> CommandInput:
    """A workload/test item -> :class:`CommandInput`.

    Accepts a string (stdin text), ``bytes``, or ``{"stdin": str, "args": [...]}``
    / ``{"stdin_base64": str, ...}``; a one-element list holding one of those
    is unwrapped (argument-list style).
    """
    if isinstance(item, list) and len(item) == 1:
        item = item[0]
    if isinstance(item, str):
        return CommandInput(item.encode())
    if isinstance(item, (bytes, bytearray)):
        return CommandInput(bytes(item))
    if isinstance(item, Mapping):
        unknown = set(item) - {"stdin", "stdin_base64", "args"}
        if unknown:
            raise InvalidArgument(
                f"{where}: unknown keys {sorted(unknown)}",
                hint='an input is {"stdin": text, "args": [strings]}',
            )
        data = b""
        if "stdin" in item and "stdin_base64" in item:
            raise InvalidArgument(f"{where}: give stdin or stdin_base64, not both")
        if "stdin" in item:
            if not isinstance(item["stdin"], str):
                raise InvalidArgument(f"{where}: stdin must be a string")
            data = item["stdin"].encode()
        elif "stdin_base64" in item:
            try:
                data = base64.b64decode(item["stdin_base64"], validate=True)
            except (ValueError, TypeError) as exc:
                raise InvalidArgument(f"{where}: stdin_base64 is not base64 ({exc})") from None
        args = item.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise InvalidArgument(f"{where}: args must be a list of strings")
        return CommandInput(data, tuple(args))
    raise InvalidArgument(
        f"{where}: a command input is a string (stdin) or an object, not {type(item).__name__}",
        hint='e.g. "3 4\\n" or {"stdin": "3 4\\n", "args": ["--fast"]}',
    )


# --------------------------------------------------------------------------
# output comparison

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$", re.I)


def compare_output(
    got: str, expected: str, mode: str = "whitespace", *, atol: float = 0.0, rtol: float = 0.0
) -> str | None:
    """``None`` when ``got`` matches ``expected`` under ``mode``, else what differs first."""
    if not isinstance(expected, str):
        return f"the expected output is a {type(expected).__name__}, not stdout text"
    if mode == "exact":
        if got == expected:
            return None
        i = next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b), None)
        if i is None:
            i = min(len(got), len(expected))
        return (
            f"stdout differs at character {i}: got {got[i : i + 40]!r}, "
            f"expected {expected[i : i + 40]!r}"
        )
    if mode == "lines":
        a = [ln.rstrip() for ln in got.splitlines()]
        b = [ln.rstrip() for ln in expected.splitlines()]
        while a and not a[-1]:
            a.pop()
        while b and not b[-1]:
            b.pop()
        for k, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return f"line {k + 1}: got {x[:80]!r}, expected {y[:80]!r}"
        if len(a) != len(b):
            return f"got {len(a)} lines, expected {len(b)}"
        return None
    if mode not in ("whitespace", "float"):
        raise InvalidArgument(f"unknown compare mode {mode!r}", hint=", ".join(COMPARE_MODES))
    ta, tb = got.split(), expected.split()
    for k, (x, y) in enumerate(zip(ta, tb)):
        if x == y:
            continue
        if mode == "float" and _NUMBER.match(x) and _NUMBER.match(y):
            fx, fy = float(x), float(y)
            if (math.isnan(fx) and math.isnan(fy)) or math.isclose(
                fx, fy, rel_tol=rtol, abs_tol=atol
            ):
                continue
            return f"token {k}: got {x}, expected {y} (atol={atol:g}, rtol={rtol:g})"
        return f"token {k}: got {x[:80]!r}, expected {y[:80]!r}"
    if len(ta) != len(tb):
        return f"got {len(ta)} output tokens, expected {len(tb)}"
    return None


# --------------------------------------------------------------------------
# callgrind for whole process trees

_TOTALS = re.compile(rb"^totals:\s+(\d+)", re.M)


def run_callgrind(
    argv: Sequence[str],
    *,
    stdin: bytes | str | None = None,
    timeout: float | None = None,
    events: Any = None,
    gpu: bool | str = False,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    max_output: int | None = None,
    capture: bool = True,
    kill_grace: float = 1.0,
) -> Any:
    """Run ``argv`` under ``valgrind --tool=callgrind --trace-children=yes``.

    Every process of the tree writes its own ``cg.<pid>`` profile; their
    ``totals:`` lines (callgrind's ``Ir``, read instead of ``summary:``,
    which valgrind 3.19 can get wrong) are summed into ``instructions``.
    Address-space randomisation is switched off (``setarch -R``) so repeated
    runs give identical counts. ``timeout`` is wall seconds of the valgrind
    run (code runs ~50x slower there); ``wall_ns``/``max_rss`` are those of
    valgrind. Returns a :class:`perfcount.measure.process.ProcessResult` whose
    counts have backend ``"valgrind"``; a program that dies by a signal
    makes valgrind die by it too, so ``signal`` is the program's.
    """
    from perfcount.measure.region import Counts
    from perfcount.measure.process import DEFAULT_MAX_OUTPUT, ProcessResult
    from perfcount.measure.process import run as run_process

    if events is not None:
        from perfcount.measure.events import parse_events

        if [e.name for e in parse_events(events)] != ["instructions"]:
            raise InvalidArgument(
                "backend='valgrind' counts instructions only",
                hint="drop events=, or use backend='perf'/'software' for other events",
            )
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise BackendError(
            "valgrind is not installed",
            hint="apt-get install -y valgrind (or use backend='software')",
        )
    out_dir = Path(tempfile.mkdtemp(prefix="perfcount-cg-"))
    try:
        setarch = shutil.which("setarch")
        prefix = [setarch, os.uname().machine, "-R"] if setarch else []
        wrapped = [
            *prefix,
            valgrind,
            "--tool=callgrind",
            "--trace-children=yes",
            "--quiet",
            f"--callgrind-out-file={out_dir}/cg.%p",
            *argv,
        ]
        res = run_process(
            wrapped,
            stdin=stdin,
            timeout=timeout,
            events="task-clock",
            backend="software",
            gpu=gpu,
            cwd=cwd,
            env=env,
            max_output=DEFAULT_MAX_OUTPUT if max_output is None else max_output,
            capture=capture,
            kill_grace=kill_grace,
        )
        totals: list[int] = []
        for f in sorted(out_dir.glob("cg.*")):
            data = f.read_bytes()
            totals.extend(int(m.group(1)) for m in _TOTALS.finditer(data))
        if not totals and not res.timed_out and res.signal is None:
            raise BackendError(
                f"callgrind wrote no profile for {argv[0]!r} (exit status {res.returncode}): "
                + res.stderr.decode("utf-8", "replace").strip()[-_SHOWN:],
                hint="check that the program runs natively; valgrind must be able to start it",
            )
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    values = {"instructions": float(sum(totals))} if totals else {}
    counts = Counts(
        data=values,
        backend="valgrind",
        not_counted=frozenset() if totals else frozenset({"instructions"}),
        gpu=res.counts.gpu,
        gpu_reason=res.counts.gpu_reason,
        backend_reason=f"callgrind Ir summed over {len(totals)} process(es)",
    )
    return ProcessResult(
        argv=tuple(argv),
        counts=counts,
        returncode=res.returncode,
        signal=res.signal,
        wall_ns=res.wall_ns,
        max_rss=res.max_rss,
        stdout=res.stdout,
        stderr=res.stderr,
        timed_out=res.timed_out,
        stdout_truncated=res.stdout_truncated,
        stderr_truncated=res.stderr_truncated,
        user_ns=res.user_ns,
        system_ns=res.system_ns,
        pid=res.pid,
    )


# --------------------------------------------------------------------------
# building


@dataclass(frozen=True)
class BuildResult:
    """One build: ``ok``, the folder, the program, the compiler output, seconds taken."""

    ok: bool
    directory: Path
    source: Path
    program: Path | None
    output: str = ""
    seconds: float = 0.0
    timed_out: bool = False
    argv: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One line: the compiler's first error line (or the first line of its output)."""
        if self.ok:
            return ""
        if self.timed_out:
            return "the build timed out"
        lines = [ln.strip() for ln in self.output.splitlines() if ln.strip()]
        first = next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else "")
        return f"build failed: {first}" if first else "build failed"

    @property
    def error(self) -> str:
        if self.ok:
            return ""
        what = (
            "the build timed out"
            if self.timed_out
            else f"the build failed ({' '.join(self.argv[:1])})"
        )
        text = self.output.strip()
        if len(text) > _SHOWN:
            text = "..." + text[-_SHOWN:]
        return f"{what}:\n{text}" if text else what


def build(spec: CommandSpec, source: str, directory: str | os.PathLike[str]) -> BuildResult:
    """Write ``source`` into ``directory`` and build it with ``spec.build`` (no counting)."""
    if not isinstance(source, str):
        raise InvalidArgument(f"a command candidate is source text, not {type(source).__name__}")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / spec.source_name
    src.write_text(source, encoding="utf-8")
    if spec.build is None:
        return BuildResult(True, folder, src, None)
    program = folder / "candidate"
    # relative names (the build runs in the folder): compiler messages read "main.c:3:5: ..."
    argv = _fill(spec.build, {"src": src.name, "bin": f"./{program.name}", "dir": "."})
    if shutil.which(argv[0]) is None and not os.path.isfile(argv[0]):
        raise BackendError(
            f"the build command {argv[0]!r} is not installed",
            hint=f"install it (e.g. apt-get install {'g++' if argv[0] == 'g++' else argv[0]}) "
            "or change the task's build template",
        )
    t0 = time.monotonic()
    env = {**os.environ, **(spec.env or {}), "LC_ALL": "C"}
    proc = subprocess.Popen(
        argv,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=spec.build_timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    seconds = time.monotonic() - t0
    text = out.decode("utf-8", "replace")
    ok = not timed_out and proc.returncode == 0 and program.is_file()
    if not timed_out and proc.returncode == 0 and not program.is_file():
        text += f"\n(the build succeeded but wrote no {program.name}; does it use {{bin}}?)"
    return BuildResult(
        ok, folder, src, program if ok else None, text, seconds, timed_out, tuple(argv)
    )


# --------------------------------------------------------------------------
# the runner


_GPU_METRICS = ("gpu_energy_mj", "gpu_time_ns")


def gpu_cost(metric: str, gpu: Mapping[str, Any] | None) -> float | None:
    """A GPU metric from a run's NVML window (``Counts.gpu``), ``None`` when unknown.

    ``gpu_energy_mj``: the window's energy (``energy_mj``, from the energy
    counter or integrated power, as :mod:`perfcount.measure.gpu` reports it).
    ``gpu_time_ns``: GPU busy time, estimated as the window's ``duration_ns`` x
    ``mean_util_pct`` / 100 (NVML utilisation is the share of each sample
    period during which a kernel was executing), summed over the selected GPUs
    by the sampler's mean.
    """
    if not gpu:
        return None
    if metric == "gpu_energy_mj":
        value = gpu.get("energy_mj")
        return None if value is None else float(value)
    if metric == "gpu_time_ns":
        duration, util = gpu.get("duration_ns"), gpu.get("mean_util_pct")
        if duration is None or util is None:
            return None
        return float(duration) * float(util) / 100.0
    raise InvalidArgument(f"unknown GPU metric {metric!r}", hint=", ".join(_GPU_METRICS))


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


class CommandRunner:
    """Build, run, check and count command candidates of one task.

    ``task`` is a :class:`~perfcount.dpe.datasets.Task` with ``run`` (or a
    :class:`CommandSpec`). ``backend``: ``auto``, ``perf``, ``valgrind`` or
    ``software``. ``metric``: an event the backend counts (``instructions``,
    ``cycles``, ``task-clock``, ...), ``wall_ns``, or ``gpu_energy_mj`` /
    ``gpu_time_ns`` (NVML, see :func:`gpu_cost`; needs a GPU, else
    :class:`GpuError`). The default
    metric is ``instructions`` for perf/valgrind and ``task-clock`` (ns) for
    software; a task may name its own in ``Task.extra["metric"]`` (e.g. a GPU
    task: ``gpu_energy_mj``), which ``metric=`` overrides. ``timeout`` is native
    seconds per input process (multiplied by
    50 under valgrind); ``repeats`` (software default 5) runs the workload
    that many times and keeps the median cost. Builds are cached per source
    for the runner's life; ``close()`` removes them.

    Interface of :class:`perfcount.execute.runner.Runner`: ``profile(source,
    entry_point, inputs)`` and ``check(source, entry_point, tests, expected)``
    (``entry_point`` is ignored), attributes ``backend``, ``metric``,
    ``reason``.
    """

    def __init__(
        self,
        task: Any,
        backend: str = "auto",
        *,
        metric: str | None = None,
        events: Sequence[str] | None = None,
        timeout: float | None = None,
        repeats: int | None = None,
        build_timeout: float | None = None,
        max_output: int = 16 * 1024 * 1024,
    ) -> None:
        from perfcount.measure.backends import resolve
        from perfcount.execute.sandbox import DEFAULT_TIMEOUT, VALGRIND_TIMEOUT_FACTOR

        spec = task if isinstance(task, CommandSpec) else CommandSpec.from_task(task)
        if build_timeout is not None:
            spec = CommandSpec.create(
                spec.language,
                run=spec.run,
                build=spec.build,
                compare=spec.compare,
                atol=spec.atol,
                rtol=spec.rtol,
                build_timeout=build_timeout,
                source_name=spec.source_name,
                env=spec.env,
            )
        self.spec = spec
        self.task_id = getattr(task, "task_id", "")
        self.backend, self.reason = resolve(backend)
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise InvalidArgument(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.timeout = float(DEFAULT_TIMEOUT if timeout is None else timeout)
        self.timeout_factor = VALGRIND_TIMEOUT_FACTOR if self.backend == "valgrind" else 1.0
        if repeats is not None and (not isinstance(repeats, int) or repeats < 1):
            raise InvalidArgument(f"repeats must be a positive integer, got {repeats!r}")
        self.repeats = repeats or (5 if self.backend == "software" else 1)
        self.max_output = max_output
        self.gpu: bool | str = False
        self.events: list[str] | None
        if self.backend == "valgrind":
            if events and list(events) != ["instructions"]:
                raise InvalidArgument("the valgrind backend counts instructions only")
            self.events = None
            default_metric = "instructions"
        elif self.backend == "software":
            self.events = list(events) if events else ["task-clock", "page-faults"]
            default_metric = self.events[0]
        else:
            from perfcount.measure.events import DEFAULT_PERF_EVENTS

            self.events = list(events) if events else list(DEFAULT_PERF_EVENTS)
            default_metric = self.events[0]
        task_metric = (getattr(task, "extra", None) or {}).get("metric")
        self.metric = metric or task_metric or default_metric
        if self.metric in _GPU_METRICS:
            from perfcount.measure.gpu import sampler_for

            sampler, _ = sampler_for("required")  # GpuError naming why, where there is no GPU
            if sampler is not None:
                sampler.close()
            self.gpu = "required"
        elif self.metric != "wall_ns":
            known = ["instructions"] if self.events is None else self.events
            if self.metric not in known:
                if self.events is None:
                    raise InvalidArgument(
                        f"metric {self.metric!r} is not counted by the valgrind backend",
                        hint="use metric='instructions' or 'wall_ns'",
                    )
                self.events = [self.metric, *self.events]
        if self.events is not None:
            from perfcount.measure.region import _resolve

            # unknown names, or hardware events asked of the software backend, fail here
            _resolve(self.events, self.backend)
        self._dir = Path(tempfile.mkdtemp(prefix="perfcount-cmd-"))
        self._builds: dict[str, BuildResult] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- lifecycle
    def __enter__(self) -> CommandRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def close(self) -> None:
        """Remove the build folders."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- building
    def build(self, source: str) -> BuildResult:
        """Build ``source`` (cached by content for this runner)."""
        if self._closed:
            raise InvalidArgument("this CommandRunner is closed", hint="create a new one")
        key = hashlib.sha256(source.encode()).hexdigest()[:20]
        with self._lock:
            done = self._builds.get(key)
            if done is None:
                done = self._builds[key] = build(self.spec, source, self._dir / key)
            return done

    def _argv(self, built: BuildResult, item: CommandInput) -> list[str]:
        values = {
            "src": str(built.source),
            "bin": str(built.program) if built.program else "",
            "dir": str(built.directory),
        }
        return [*_fill(self.spec.run, values), *item.args]

    def _once(
        self, built: BuildResult, item: CommandInput, *, count: bool, timeout: float | None
    ) -> Any:
        from perfcount.measure.process import run as run_process

        limit = self.timeout if timeout is None else float(timeout)
        env = {**os.environ, **(self.spec.env or {})}
        kwargs: dict[str, Any] = {
            "stdin": item.stdin,
            "cwd": built.directory,
            "env": env,
            "max_output": self.max_output,
        }
        if not count:
            return run_process(
                self._argv(built, item),
                timeout=limit,
                events="task-clock",
                backend="software",
                **kwargs,
            )
        return run_process(
            self._argv(built, item),
            timeout=limit * self.timeout_factor,
            events=self.events,
            backend=self.backend,
            gpu=self.gpu,
            **kwargs,
        )

    @staticmethod
    def _status(res: Any, index: int, limit: float) -> tuple[str, str]:
        tail = res.stderr.decode("utf-8", "replace").strip()[-_SHOWN:]
        tail = f"\n--- stderr (tail) ---\n{tail}" if tail else ""
        if res.timed_out:
            return "timeout", f"input {index}: exceeded the wall-clock limit of {limit:g} s"
        if res.signal is not None:
            return (
                "crashed",
                f"input {index}: killed by signal {res.signal} ({_signal_name(res.signal)}){tail}",
            )
        if res.stdout_truncated:
            return "output_too_large", f"input {index}: stdout exceeded {len(res.stdout)} bytes"
        if res.returncode != 0:
            return "failed", f"input {index}: exited with status {res.returncode}{tail}"
        return "ok", ""

    def _cost(self, res: Any) -> float:
        if self.metric == "wall_ns":
            return float(res.wall_ns)
        if self.metric in _GPU_METRICS:
            gpu = res.counts.gpu or {}
            value = gpu_cost(self.metric, gpu)
            if value is None:
                raise BackendError(
                    f"the GPU reported no {self.metric} for this run "
                    f"({gpu.get('energy_source') or res.counts.gpu_reason or 'no reason given'})",
                    hint="use a longer workload (the energy counter updates slowly) or wall_ns",
                )
            return value
        if self.metric in res.counts.not_counted or self.metric not in res.counts:
            raise BackendError(
                f"{self.metric} was not counted for this run",
                hint="the counter was never scheduled; retry on a quieter machine",
            )
        return float(res.counts[self.metric])

    # -- public interface (as perfcount.execute.runner.Runner)
    def profile(
        self,
        solution: str,
        entry_point: str = "",
        inputs: Sequence[Any] = (),
        warmup: int = 0,
        *,
        timeout: float | None = None,
    ) -> Any:
        """Build ``solution`` and count every input's process; cost = sum over inputs.

        Returns a :class:`perfcount.execute.runner.Profile` (``outputs`` are the stdout
        texts; ``status`` ``build_failed`` when the build fails).
        """
        from perfcount.measure.region import Counts
        from perfcount.execute.runner import Profile

        items = [parse_input(x, f"input {i}") for i, x in enumerate(inputs)]
        if not items:
            raise InvalidArgument("a workload needs at least one input")
        base: dict[str, Any] = {
            "backend": self.backend,
            "metric": self.metric,
            "reason": self.reason,
        }
        built = self.build(solution)
        if not built.ok:
            return Profile(status="build_failed", error=built.error, **base)
        limit = self.timeout if timeout is None else float(timeout)
        for _ in range(max(0, int(warmup))):
            for item in items:
                self._once(built, item, count=False, timeout=limit)
        costs: list[float] = []
        walls: list[int] = []
        totals: dict[str, list[float]] = {}
        outputs: list[str] = []
        gpu_data: Any = None
        gpu_reason: str | None = None
        max_rss = 0
        for rep in range(self.repeats):
            cost = 0.0
            wall = 0
            values: dict[str, float] = {}
            for i, item in enumerate(items):
                res = self._once(built, item, count=True, timeout=limit)
                status, error = self._status(res, i, limit * self.timeout_factor)
                if status != "ok":
                    return Profile(
                        status=status,
                        error=error,
                        stdout=res.stdout.decode("utf-8", "replace")[-_SHOWN:],
                        **base,
                    )
                try:
                    cost += self._cost(res)
                except BackendError as exc:
                    return Profile(status="crashed", error=f"measurement failed: {exc}", **base)
                wall += res.wall_ns
                max_rss = max(max_rss, res.max_rss)
                for k, v in res.counts.items():
                    values[k] = values.get(k, 0.0) + float(v)
                gpu_data, gpu_reason = res.counts.gpu, res.counts.gpu_reason
                if rep == 0:
                    outputs.append(res.stdout.decode("utf-8", "replace"))
            costs.append(cost)
            walls.append(wall)
            for k, v in values.items():
                totals.setdefault(k, []).append(v)
        median_values = {k: float(statistics.median(v)) for k, v in totals.items()}
        cv = None
        if len(costs) > 1:
            mean = statistics.fmean(costs)
            cv = statistics.stdev(costs) / mean if mean else 0.0
        counts = Counts(
            data=median_values,
            backend=self.backend,
            gpu=gpu_data,
            gpu_reason=gpu_reason,
            backend_reason=self.reason,
        )
        return Profile(
            status="ok",
            cost=float(statistics.median(costs)),
            counts=counts,
            outputs=outputs,
            wall_ns=int(statistics.median(walls)),
            repeats=len(costs),
            cv=cv,
            max_rss_kb=max_rss // 1024,
            **base,
        )

    def check(
        self,
        solution: str,
        entry_point: str = "",
        tests: Sequence[Any] = (),
        expected: Sequence[Any] = (),
        atol: float | None = None,
        rtol: float | None = None,
        *,
        timeout: float | None = None,
    ) -> Any:
        """Build and run ``solution`` natively on every test; compare stdout with ``expected``.

        ``expected`` holds one stdout string per test (``None`` entries are
        placeholders: the outputs are collected, the check then fails).
        ``atol``/``rtol`` default to the task's. Returns a
        :class:`perfcount.execute.runner.Check`.
        """
        from perfcount.execute.runner import Check, Failure

        items = [parse_input(x, f"test {i}") for i, x in enumerate(tests)]
        expected = list(expected)
        if len(expected) != len(items):
            raise InvalidArgument(f"{len(items)} tests but {len(expected)} expected outputs")
        a = self.spec.atol if atol is None else float(atol)
        r = self.spec.rtol if rtol is None else float(rtol)
        built = self.build(solution)
        if not built.ok:
            return Check(False, "build_failed", [], None, built.error, "")
        limit = self.timeout if timeout is None else float(timeout)
        outputs: list[str] = []
        failures: list[Any] = []
        for i, item in enumerate(items):
            res = self._once(built, item, count=False, timeout=limit)
            status, error = self._status(res, i, limit)
            out = res.stdout.decode("utf-8", "replace")
            if status != "ok":
                first = error.splitlines()[0]
                return Check(
                    False, status, [Failure(i, first, item.describe())], None, error, out[-_SHOWN:]
                )
            outputs.append(out)
        for i, (got, exp) in enumerate(zip(outputs, expected)):
            exp_d = plain.decode(exp) if exp is not None else None
            if exp_d is None:
                failures.append(Failure(i, "no expected output (placeholder)", items[i].describe()))
                continue
            diff = compare_output(got, exp_d, self.spec.compare, atol=a, rtol=r)
            if diff is not None:
                failures.append(Failure(i, diff, items[i].describe()))
        if failures:
            first = failures[0]
            error = f"wrong output on test {first.index} {first.input}: {first.diff}"
            if len(failures) > 1:
                error += f" (and {len(failures) - 1} more failing tests)"
            return Check(False, "failed", failures, outputs, error, "")
        return Check(True, "ok", [], outputs, "", "")


# --------------------------------------------------------------------------
# PerfCodeBench-style anchors


def speedup_fields(
    cost: float | None, baseline_cost: float | None, expert_cost: float | None
) -> dict[str, float | None]:
    """Speedups of a candidate relative to a task's baseline and expert solutions.

    - ``speedup_vs_baseline`` = baseline cost / candidate cost (> 1: faster
      than the baseline);
    - ``expert_speedup`` = baseline cost / expert cost;
    - ``share_of_expert_speedup`` = log(baseline / candidate) / log(baseline /
      expert): the share of the expert's speedup the candidate achieved on a
      log scale, 0 at the baseline, 1 at the expert, negative when slower than
      the baseline, above 1 when faster than the expert. The log form treats
      a 2x-of-4x speedup as half way (the linear form ``(b/c - 1) / (b/e - 1)``
      would say one third) and is symmetric for slowdowns. ``None`` when a
      cost is missing or the expert is not faster than the baseline.
    """
    out: dict[str, float | None] = {
        "speedup_vs_baseline": None,
        "expert_speedup": None,
        "share_of_expert_speedup": None,
    }
    if baseline_cost is None or baseline_cost <= 0:
        return out
    if cost is not None and cost > 0:
        out["speedup_vs_baseline"] = baseline_cost / cost
    if expert_cost is not None and expert_cost > 0:
        out["expert_speedup"] = baseline_cost / expert_cost
        if cost is not None and cost > 0 and expert_cost < baseline_cost:
            out["share_of_expert_speedup"] = math.log(baseline_cost / cost) / math.log(
                baseline_cost / expert_cost
            )
    return out


# --------------------------------------------------------------------------
# command pools (curation input) and their curation

_POOL_KEYS = {
    "task_id",
    "entry_point",
    "language",
    "build",
    "run",
    "compare",
    "build_timeout",
    "solutions",
    "solution_names",
    "pe_input",
    "input_generator",
    "tests",
    "expected",
    "atol",
    "rtol",
    "description",
    "scale",
    "trusted",
    "baseline",
    "expert",
    "family",
    "difficulty",
    "prompt",
}


def validate_command_row(
    row: Any, *, path: str = "<pool>", line: int | None = None
) -> dict[str, Any]:
    """Check one command pool row and return a normalised copy (``command: True``).

    Fields: ``task_id``, ``language``, ``run`` (and optional ``build``,
    ``compare``, ``build_timeout``), ``solutions`` (sources) with optional
    ``solution_names``, ``pe_input`` or ``input_generator`` (source defining
    ``perf_input_gen(scale)`` returning a list of inputs), optional ``tests``
    / ``expected`` (stdout strings), ``atol``/``rtol``, ``scale``,
    ``trusted``, ``baseline``/``expert`` (solution names or sources).
    """

    def bad(message: str, fld: str | None = None, hint: str = "") -> DatasetError:
        return DatasetError(message, path=path, line=line, field=fld, hint=hint)

    if not isinstance(row, dict):
        raise bad(f"a pool row must be a JSON object, not {type(row).__name__}")
    out = dict(row)
    if not isinstance(row.get("task_id"), str) or not row["task_id"]:
        raise bad("missing or not a non-empty string", "task_id")
    try:
        spec = CommandSpec.create(
            row.get("language", ""),
            run=row.get("run"),
            build=row.get("build", "default"),
            compare=row.get("compare", "whitespace"),
            atol=row.get("atol", 0.0),
            rtol=row.get("rtol", 0.0),
            build_timeout=row.get("build_timeout", DEFAULT_BUILD_TIMEOUT),
        )
    except InvalidArgument as exc:
        raise bad(str(exc), None, exc.hint) from None
    out["language"] = spec.language
    solutions = row.get("solutions")
    if (
        not isinstance(solutions, list)
        or not solutions
        or not all(isinstance(s, str) for s in solutions)
    ):
        raise bad("must be a non-empty list of source strings", "solutions")
    names = row.get("solution_names") or [f"solution_{i + 1:02d}" for i in range(len(solutions))]
    if len(names) != len(solutions) or len(set(names)) != len(names):
        raise bad("must be unique names, one per solution", "solution_names")
    out["solution_names"] = list(names)
    if "pe_input" not in row and "input_generator" not in row:
        raise bad("needs pe_input (a list of inputs) or input_generator", "pe_input")
    for key in ("pe_input", "tests"):
        if key in row:
            if not isinstance(row[key], list) or not row[key]:
                raise bad("must be a non-empty list of inputs", key)
            for i, item in enumerate(row[key]):
                try:
                    parse_input(plain.decode(item), f"{key}[{i}]")
                except InvalidArgument as exc:
                    raise bad(str(exc), key, exc.hint) from None
    if "expected" in row:
        exp = row["expected"]
        if "tests" not in row:
            raise bad("given without tests", "expected")
        if not isinstance(exp, list) or len(exp) != len(row["tests"]):
            raise bad(f"must hold one stdout string per test ({len(row['tests'])})", "expected")
    if "input_generator" in row and "pe_input" not in row:
        gen = row["input_generator"]
        if not isinstance(gen, str) or "perf_input_gen" not in gen:
            raise bad("must be source text defining perf_input_gen(scale)", "input_generator")
    scale = row.get("scale")
    if scale is not None and (type(scale) is not int or scale < 1):
        raise bad("must be a positive integer", "scale")
    by_name = dict(zip(out["solution_names"], solutions))
    for key in ("trusted", "baseline", "expert"):
        value = row.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise bad("must be a solution name or source text", key)
        stem = Path(value).stem if "\n" not in value else value
        if key == "trusted":
            if stem not in by_name:
                raise bad(f"{value!r} is not one of the solution names", key)
            out[key] = stem
    out["command"] = True
    out.setdefault("entry_point", "")
    return out


def _anchor_source(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if "\n" in value:
        return str(value)
    by_name = dict(zip(row["solution_names"], row["solutions"]))
    stem = Path(value).stem
    if stem not in by_name:
        raise DatasetError(
            f"{value!r} is neither a solution name nor source text",
            path=row["task_id"],
            field=key,
        )
    return by_name[stem]


def load_command_task_dir(path: str | os.PathLike[str]) -> dict[str, Any]:
    """One command task folder -> a validated command pool row.

    Layout::

        <task_id>/
          task.json      language, run, build, compare, atol, rtol, scale,
                         trusted, baseline, expert (solution file names)
          README.md      the task description
          inputs.py      test_inputs() -> list of inputs (optional),
                         perf_input_gen(scale) -> list of inputs
          tests.json     {"inputs": [...], "expected": [stdout, ...]} (optional)
          solutions/*    sources in the task's language (e.g. *.c, *.cpp)
    """
    folder = Path(path)
    meta_path = folder / "task.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError("missing task.json", path=str(folder)) from None
    except json.JSONDecodeError as exc:
        raise DatasetError(f"bad JSON: {exc.msg}", path=str(meta_path), line=exc.lineno) from None
    if not isinstance(meta, dict):
        raise DatasetError("task.json must hold an object", path=str(meta_path))
    language = meta.get("language")
    if not isinstance(language, str):
        raise DatasetError("missing language", path=str(meta_path), field="language")
    lang = _ALIASES.get(language.lower(), language.lower())
    exts = {e for e, lng in _EXTENSIONS.items() if lng == lang}
    sol_dir = folder / "solutions"
    files = sorted(
        f for f in (sol_dir.iterdir() if sol_dir.is_dir() else []) if f.suffix in exts
    ) or sorted(f for f in (sol_dir.iterdir() if sol_dir.is_dir() else []) if f.is_file())
    if not files:
        raise DatasetError(f"no solutions/*{'/'.join(sorted(exts))} files", path=str(folder))
    inputs_py = folder / "inputs.py"
    if not inputs_py.is_file():
        raise DatasetError("missing inputs.py (perf_input_gen(scale))", path=str(folder))
    readme = folder / "README.md"
    row: dict[str, Any] = {
        "task_id": meta.get("task_id", folder.name),
        "language": language,
        "description": readme.read_text(encoding="utf-8").strip() if readme.is_file() else "",
        "solutions": [f.read_text(encoding="utf-8") for f in files],
        "solution_names": [f.stem for f in files],
        "input_generator": inputs_py.read_text(encoding="utf-8"),
    }
    for key in (
        "run",
        "build",
        "compare",
        "build_timeout",
        "atol",
        "rtol",
        "scale",
        "trusted",
        "baseline",
        "expert",
        "family",
        "difficulty",
    ):
        if key in meta:
            row[key] = meta[key]
    if "run" not in row:
        row["run"] = LANGUAGES.get(lang, {}).get("run", ["{bin}"])
    tests_json = folder / "tests.json"
    if tests_json.is_file():
        tests = json.loads(tests_json.read_text(encoding="utf-8"))
        row["tests"] = tests["inputs"]
        if "expected" in tests:
            row["expected"] = tests["expected"]
    else:
        ns: dict[str, Any] = {"__name__": f"perfcount_inputs_{row['task_id']}"}
        exec(compile(row["input_generator"], str(inputs_py), "exec"), ns)
        if callable(ns.get("test_inputs")):
            row["tests"] = plain.encode(list(ns["test_inputs"]()))
    return validate_command_row(row, path=str(folder))


def is_command_pool_dir(path: str | os.PathLike[str]) -> bool:
    """Whether a pool folder holds command tasks (a task.json with ``run`` or a
    non-Python ``language``)."""
    for meta_path in sorted(Path(path).glob("*/task.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # JSON or UTF-8 errors: load_pool_dir reports them
            continue
        if isinstance(meta, dict) and (
            "run" in meta or meta.get("language", "python") not in ("python", "py")
        ):
            return True
    return False


def load_command_pool_dir(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every command task folder under ``path``, sorted by name."""
    root = Path(path)
    rows = [load_command_task_dir(p.parent) for p in sorted(root.glob("*/task.json"))]
    if not rows:
        raise DatasetError("no task folders (*/task.json) found", path=str(root))
    return rows


def _spec_of_row(row: Mapping[str, Any]) -> CommandSpec:
    return CommandSpec.create(
        row["language"],
        run=row.get("run"),
        build=row.get("build", "default"),
        compare=row.get("compare", "whitespace"),
        atol=row.get("atol", 0.0),
        rtol=row.get("rtol", 0.0),
        build_timeout=row.get("build_timeout", DEFAULT_BUILD_TIMEOUT),
    )


def _generate_inputs(row: Mapping[str, Any], scale: int) -> list[Any]:
    from perfcount.pipeline.curation import _Drop

    ns: dict[str, Any] = {"__name__": f"perfcount_pool_{row['task_id']}"}
    try:
        exec(compile(row["input_generator"], f"<{row['task_id']} input_generator>", "exec"), ns)
        inputs = ns["perf_input_gen"](scale)
    except Exception as exc:
        raise _Drop(
            f"input generator failed at scale {scale}: {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(inputs, list) or not inputs:
        raise _Drop(f"perf_input_gen({scale}) must return a non-empty list of inputs")
    try:
        for i, item in enumerate(inputs):
            parse_input(item, f"perf_input_gen({scale})[{i}]")
        return list(plain.decode(plain.encode(inputs)))
    except (InvalidArgument, plain.UnsupportedValue) as exc:
        raise _Drop(str(exc)) from None


def curate_command_task(row: dict[str, Any], s: Any, metric: str) -> Any:
    """Curate one command pool row (the command twin of the Python path in
    :mod:`perfcount.pipeline.curation`): tests natively, the workload at the row's
    ``scale`` (or the largest power of two whose slowest solution stays under
    ``max_cost`` and the time wall), every solution counted with the chosen
    backend, outputs agreeing with the trusted solution's, the curation
    filters, clustering; the baseline and expert sources and their costs go
    into the task line. Returns a :class:`perfcount.pipeline.curation.TaskOutcome`.
    """
    from perfcount.pipeline.curation import _Drop, _outcome

    dropped: dict[str, str] = {}
    state: dict[str, Any] = {"scale": None, "costs": {}}
    spec = _spec_of_row(row)
    try:
        with (
            CommandRunner(spec, s.backend, timeout=s.time_wall) as chosen,
            CommandRunner(spec, "software", timeout=s.time_wall, repeats=1) as native,
        ):
            line, refs, sizes = _curate_command(row, s, metric, chosen, native, dropped, state)
    except _Drop as exc:
        return _outcome(row, dropped, state, reason=str(exc))
    return _outcome(row, dropped, state, line=line, refs=refs, sizes=sizes)


def _curate_command(
    row: dict[str, Any],
    s: Any,
    metric: str,
    chosen: CommandRunner,
    native: CommandRunner,
    dropped: dict[str, str],
    state: dict[str, Any],
) -> tuple[dict[str, Any], list[str], list[int]]:
    from perfcount.pipeline.curation import _Drop, _filter_and_cluster, _number, _sorted

    names: list[str] = row["solution_names"]
    sources = dict(zip(names, row["solutions"]))
    order = list(names)
    trusted = row.get("trusted")
    if trusted in sources:
        order.remove(trusted)
        order.insert(0, trusted)
    # 1. build and test natively
    expected = row.get("expected")
    tests = plain.decode(row["tests"]) if row.get("tests") else None
    alive: list[str] = []
    for n in order:
        b = native.build(sources[n])
        if not b.ok:
            dropped[n] = b.summary
            continue
        if tests is not None:
            if expected is None:
                c = native.check(sources[n], "", tests, [None] * len(tests))
                if c.outputs is None:
                    dropped[n] = f"{c.status}: {c.error.splitlines()[0] if c.error else ''}"
                    continue
                expected = list(c.outputs)
            c = native.check(sources[n], "", tests, expected)
            if not c.passed:
                dropped[n] = c.error.splitlines()[0] if c.error else c.status
                continue
        alive.append(n)
    if not alive:
        raise _Drop("no solution builds and passes the tests")
    # 2. the workload
    if "pe_input" in row:
        inputs = plain.decode(row["pe_input"])
    else:
        scale = s.scale if s.scale is not None else row.get("scale")
        if scale is None:
            scale = _command_scale(row, s, chosen, native, sources, alive)
        state["scale"] = scale
        inputs = _generate_inputs(row, scale)
    # 3. profile with the chosen backend; outputs must agree with the trusted one
    profiles: dict[str, Any] = {}
    reference_outputs: list[str] | None = None
    first_ok = ""
    for n in alive:
        p = chosen.profile(sources[n], "", inputs)
        if p.status != "ok":
            dropped[n] = (
                f"{p.status} on the performance input: {p.error.splitlines()[0] if p.error else ''}"
            )
            continue
        if reference_outputs is None:
            reference_outputs, first_ok = p.outputs, n
        else:
            diffs = [
                compare_output(
                    g, e, chosen.spec.compare, atol=chosen.spec.atol, rtol=chosen.spec.rtol
                )
                for g, e in zip(p.outputs, reference_outputs)
            ]
            diff = next((d for d in diffs if d is not None), None)
            if diff is not None:
                dropped[n] = f"disagrees with {first_ok} on the performance input: {diff}"
                continue
        profiles[n] = p
        state["costs"][n] = _number(p.cost)
    if not profiles:
        raise _Drop("no solution finishes the performance input")
    costs: dict[str, float] = state["costs"]
    refs, sizes, scores = _filter_and_cluster(costs, profiles, s, metric)
    line: dict[str, Any] = {
        "task_id": row["task_id"],
        "entry_point": "",
        "language": row["language"],
        "run": list(chosen.spec.run),
        "build": None if chosen.spec.build is None else list(chosen.spec.build),
        "compare": chosen.spec.compare,
        "description": row.get("description", ""),
        "reference": [sources[n] for n in refs],
        "scores": scores,
        "cluster_sizes": sizes,
        "reference_costs": [costs[n] for n in refs],
        "pe_input": plain.encode(inputs),
        "curation": {
            "backend": s.backend,
            "metric": metric,
            "machine": s.machine,
            "scale": state["scale"],
            "reference_names": refs,
            "costs": dict(sorted(costs.items())),
            "dropped": dict(sorted(dropped.items())),
            "bias": s.bias,
            "weight": s.weight,
            "min_clusters": s.min_clusters,
        },
    }
    if line["build"] is None:
        line["no_build"] = True
        del line["build"]
    if tests is not None:
        line["tests"] = row["tests"]
        line["expected"] = expected
    for key in ("atol", "rtol"):
        if row.get(key):
            line[key] = row[key]
    for key in ("family", "difficulty", "prompt"):
        if key in row:
            line[key] = row[key]
    for key in ("baseline", "expert"):
        src = _anchor_source(row, key)
        if src is None:
            continue
        line[key] = src
        name = next((n for n in names if sources[n] == src), None)
        if name in costs:
            line["curation"][f"{key}_name"] = name
            line["curation"][f"{key}_cost"] = costs[name]
    return _sorted(line), refs, sizes


def _command_scale(
    row: Mapping[str, Any],
    s: Any,
    chosen: CommandRunner,
    native: CommandRunner,
    sources: Mapping[str, str],
    alive: Sequence[str],
) -> int:
    """Largest 2**k (k >= 1) whose natively slowest solution finishes within the time
    wall and costs at most ``max_cost`` with the chosen backend."""
    from perfcount.pipeline.curation import _Drop

    best = None
    why = ""
    scale = 2
    while scale <= s.max_scale:
        inputs = _generate_inputs(row, scale)
        worst, worst_name = -1.0, alive[0]
        for n in alive:
            p = native.profile(sources[n], "", inputs)
            if p.status != "ok":
                why = f"{n}: {p.status} at scale {scale}"
                break
            if p.cost is not None and p.cost > worst:
                worst, worst_name = p.cost, n
        if why:
            break
        p = chosen.profile(sources[worst_name], "", inputs)
        if p.status != "ok" or p.cost is None or p.cost > s.max_cost:
            why = f"{worst_name}: over max_cost at scale {scale}"
            break
        best = scale
        scale *= 2
    if best is None:
        raise _Drop(f"no input scale fits the limits ({why})")
    return best
