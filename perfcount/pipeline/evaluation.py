"""DPE end to end: ``score()`` one solution, ``evaluate()`` a samples file.

The path of one candidate (docs/design.md, "The data path"):

1. **correctness first** — the runner's ``check`` through one of three gates,
   recorded per task as the task line's ``correctness``:
   ``"plus-tests"`` — EvalPlus's HumanEval+/MBPP+ base and plus inputs,
   against the outputs of the task's canonical solution, compared as EvalPlus
   does (``evaluate(plus_tests=...)``; :mod:`perfcount.dpe.plustests`); else
   ``"tests"`` — the task's ``tests`` against its stored ``expected`` outputs;
   else (EvalPerf files) ``"references"`` — ``pe_input`` against the outputs
   of its fastest reference. Expected outputs that are derived are computed
   once and cached (``perfcount.dpe.refcache``).
2. **profile** the passing candidate on ``pe_input`` with the chosen backend.
3. **references, lazily** — the task's references are re-profiled on this
   machine with the same backend, from the fastest to the slowest, only as far
   as the candidate needs: the scan stops at the first (fastest) reference
   the candidate matches, which decides the score. Costs are cached on disk
   per machine/backend (``perfcount.dpe.refcache``), with the references'
   outputs on the performance input, which every candidate is held to.
4. **score** — ``DPS = scores[j]`` and ``DPS_norm = 100·(j+1)/m`` for that
   reference ``j`` (0-based, slow→fast; ``cluster = j``; ``Score.at``), 0 and
   ``-1`` when no reference matches: ``max({0} ∪ {r_i : t_i ≥ t* − tol})``,
   inclusive as EvalPlus (``match="strict"``: ``t_i > t* + tol``, the paper's
   formula); docs/design.md §7.

A task with a ``baseline`` source (and an ``expert`` one) also gets
PerfCodeBench-style fields on each profiled sample: ``speedup_vs_baseline``,
``expert_speedup`` and ``share_of_expert_speedup``
(:func:`perfcount.dpe.scoring.speedup_fields`), the baseline and expert being
measured here like the references (cached); the task line carries
``baseline_cost``, ``expert_cost``, the geometric-mean speedup and the mean
share.

A reference that fails when re-profiled (timeout, crash, ...) is skipped for
matching and reported in the result's ``error`` / the task line's
``warnings``; one that is no slower than the next faster one is reported as an
order warning, as EvalPerf does.

Python tasks and command tasks (candidates are source files built and run by
:mod:`perfcount.execute.commands`) go through the same steps; what differs is
answered by the task's kind (:mod:`perfcount.pipeline.kinds`). The unit of
parallel (and distributed) work is one task: :func:`evaluate_task` profiles a
task's references and all its candidates on one worker with one runner and
returns plain dicts; it is a top-level, global-state-free function so
executors (``concurrent.futures``, Dask) can ship it anywhere.

Sample statuses: the runner's (``ok``, ``failed``, ``timeout``, ``memory``,
``crashed``, ``output_too_large``; ``build_failed`` for command tasks), plus
``not_profiled`` (correct, but the
task had fewer than ``min_correct`` correct samples or this sample came after
the first ``max_profile`` correct ones) and ``reference_error`` (correct, but
no reference could be measured, or expected outputs could not be derived).
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import contextlib
import difflib
import hashlib
import inspect
import math
import os
import queue
import socket
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfcount._util import plain, views
from perfcount._util.jsonl import iter_jsonl
from perfcount._version import __version__
from perfcount.dpe.consistency import CpuModel, cpu_model, suspect
from perfcount.dpe.plustests import (
    Comparison,
    PlusTask,
    PlusTests,
    chunks,
    load_plus_tests,
    short_repr,
    stored_expected,
)
from perfcount.dpe.refcache import ReferenceCache, content_hash
from perfcount.dpe.scoring import Score, check_match, default_tolerance
from perfcount.errors import DatasetError, InvalidArgument
from perfcount.execute.candidate import CandidateRunner
from perfcount.execute.pool import RunnerPool
from perfcount.execute.runner import harness_digest
from perfcount.execute.sandbox import PYTHON_SWITCH_INTERVAL, Limits
from perfcount.pipeline import progress as _progress
from perfcount.pipeline.kinds import kind_of, resolve_backend
from perfcount.pipeline.progress import ProgressPlan, Reporter, TaskProgress, reporter

if TYPE_CHECKING:  # pragma: no cover
    from perfcount.dpe.datasets import Dataset, Task
    from perfcount.dpe.scoring import ScoreResult

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_MAX_PROFILE",
    "DEFAULT_MIN_CORRECT",
    "GATES",
    "Evaluation",
    "compare",
    "default_output",
    "default_workers",
    "evaluate",
    "evaluate_task",
    "load_samples",
    "make_config",
    "normalize_source",
    "score",
    "solution_source",
    "summarize",
]

DEFAULT_DATASET = "perfcount-py"

#: ``evaluate(preset=...)``: EvalPlus's evalperf defaults, for numbers comparable with its own
#: (``correctness``: the gate it stands for, used where ``plus_tests`` are given)
PRESETS: dict[str, dict[str, Any]] = {
    "evalperf": {
        "min_correct": 10,
        "max_profile": 20,
        "match": "inclusive",
        "correctness": "plus-tests",
        "limit": "wall",
        # Python's own GIL switching, as EvalPerf's candidates ran (counts of threaded
        # candidates then depend on the clock: sandbox.GIL_SWITCH_INTERVAL)
        "switch_interval": PYTHON_SWITCH_INTERVAL,
    },
}

#: the correctness gates, as a task line's ``correctness`` names them (module docstring)
GATES = ("plus-tests", "tests", "references")
# a long base+plus list is checked in runs of at most this many inputs / bytes of JSON,
# each within the run's limits (timeout, output size)
PLUS_CHUNK_INPUTS = 256
PLUS_CHUNK_BYTES = 8 << 20
# the canonical solution failing on more inputs than this (or this many failed runs)
# means the plus tests do not fit the task: it falls back to the next gate
PLUS_MAX_DROPPED_SHARE = 0.1
PLUS_MIN_DROPPED = 10
PLUS_MAX_FAILED_RUNS = 12

# EvalPerf's efficiency gate, as described in the COLM paper: a task is scored
# when it has at least one correct sample, and up to 10 correct samples are
# profiled. (The later evalplus `evalperf.py` script raises min_correct to 10
# out of 100 samples and profiles every correct one: pass min_correct=10,
# max_profile=None for that behaviour.)
DEFAULT_MIN_CORRECT = 1
DEFAULT_MAX_PROFILE: int | None = 10

# Without an explicit ``timeout``, a candidate may take this many times the
# slowest reference's stored cost (see ``_TaskEvaluator.candidate_timeout``):
# anything slower scores 0 anyway, and the runner's generic default (60 native
# seconds, ×50 under valgrind) would let one hopeless sample stall an
# evaluation for most of an hour.
CANDIDATE_TIMEOUT_MULTIPLE = 5.0
MIN_CANDIDATE_TIMEOUT_S = 1.0  # native seconds (×50 under valgrind)
ASSUMED_INSTRUCTIONS_PER_S = 1e9  # a slow CPU running CPython; errs on the long side

_CONFIG_DEFAULTS: dict[str, Any] = {
    "backend": "auto",
    "timeout": None,
    "memory_mb": None,
    "min_correct": DEFAULT_MIN_CORRECT,
    "max_profile": DEFAULT_MAX_PROFILE,
    "cache": True,
    "cache_dir": None,
    "dataset": None,
    "dataset_version": None,
    # EvalPlus's inclusive rule by default; the paper's strict formula on request
    "match": "inclusive",
    # tie tolerance in the metric's unit; None: the backend's (scoring.default_tolerance)
    "tolerance": None,
    # this task's HumanEval+/MBPP+ tests (PlusTask.to_dict()), or None
    "plus": None,
    # how a candidate's time limit is decided (LIMITS)
    "limit": "instructions",
    # Python candidates' sys.setswitchinterval; None: sandbox.GIL_SWITCH_INTERVAL
    "switch_interval": None,
}

#: ``limit`` values. ``"instructions"``: on a backend that counts instructions,
#: a candidate may run the instructions its time limit stands for
#: (``candidate_timeout() × ASSUMED_INSTRUCTIONS_PER_S``) and is a ``timeout``
#: above that: the verdict depends on the candidate and its input only, not on
#: the machine's load, and qemu stops it there instead of waiting out the
#: clock (the wall-clock limit stays as a backstop, and decides alone on other
#: backends and with an explicit ``timeout``). ``"wall"``: EvalPerf's rule, a
#: wall-clock limit only.
LIMITS = ("instructions", "wall")

# sample-line keys written by perfcount; a sample's extra field with one of
# these names is carried as "extra_<name>" instead
_RESERVED = frozenset(
    {
        "kind",
        "task_id",
        "sample",
        "passed",
        "status",
        "dps",
        "dps_norm",
        "cluster",
        "cost",
        "metric",
        "backend",
        "reference_costs",
        "error",
        "solution_sha256",
        "duplicate_of",
        "counts",
        "solution",
        "speedup_vs_baseline",
        "expert_speedup",
        "share_of_expert_speedup",
        "margin",
        "fragile",
        "cpu_s",
    }
)
# PerfCodeBench-style fields (perfcount.dpe.scoring.speedup_fields), set when a
# task carries a baseline source
_SPEEDUP_KEYS = ("speedup_vs_baseline", "expert_speedup", "share_of_expert_speedup")


# --------------------------------------------------------------------------
# solutions


def normalize_source(source: str) -> str:
    """Whitespace-normalised source: identical solutions compare equal.

    Line endings unified, trailing whitespace and blank lines dropped, common
    indentation removed. Indentation inside is kept (it is Python syntax).
    """
    text = textwrap.dedent(source.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8))
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def solution_source(solution: str | Callable[..., Any], entry_point: str | None = None) -> str:
    """Source text of a solution given as text or as a function object.

    For a function, its source is read with ``inspect.getsource`` (works for
    functions defined in files, IPython/Jupyter cells and ``python -c`` is the
    one place it cannot), dedented, and its decorators are stripped (a
    decorator such as ``@perfcount.measure`` must not run inside the
    candidate). If the function's name differs from the task's entry point an
    alias line ``entry_point = name`` is appended. The module-level imports,
    helpers and literal constants it uses are sent with it
    (:func:`_module_context`).
    """
    if isinstance(solution, str):
        if not solution.strip():
            raise InvalidArgument("the solution is empty", hint="pass source text or a function")
        return solution
    fn = inspect.unwrap(solution) if callable(solution) else solution
    if not (inspect.isfunction(fn) or inspect.isclass(fn)):
        raise InvalidArgument(
            f"cannot use a {type(solution).__name__} as a solution",
            hint="pass the source text (str) or a plain function defined with def",
        )
    name = fn.__name__
    if name == "<lambda>":
        raise InvalidArgument(
            "cannot extract the source of a lambda",
            hint="define the solution with def, or pass its source text",
        )
    try:
        raw = inspect.getsource(fn)
    except (OSError, TypeError) as exc:
        raise InvalidArgument(
            f"cannot find the source code of {name!r} ({exc})",
            hint="functions typed at an interactive prompt or created with exec have no "
            "source file; pass the solution's source text instead",
        ) from None
    text = textwrap.dedent(raw)
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise InvalidArgument(
            f"the source found for {name!r} does not parse ({exc.msg})",
            hint="pass the solution's source text instead",
        ) from None
    node = tree.body[0] if tree.body else None
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        lines = text.splitlines()
        text = "\n".join(lines[node.lineno - 1 :]) + "\n"  # lineno is the def line
    prelude = _module_context(fn)
    if prelude:
        text = prelude + "\n\n" + text
    if entry_point and entry_point != name:
        text += f"\n{entry_point} = {name}\n"
    return text


def _global_names(code: Any) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _global_names(const)
    return names


def _module_context(fn: Any, _seen: set[int] | None = None) -> str:
    """What a function's module gives it: the imports, helpers and constants it uses.

    A function sent as source alone loses its module (``from bisect import
    bisect_right`` at the top of the file). For every global name the function
    reads: a module becomes ``import``, an object importable from its module
    ``from … import``, a helper function of the same module its own source
    (recursively), a plain literal constant an assignment. Anything else is
    left out (the candidate then fails with a NameError naming it).
    """
    import sys

    seen = _seen if _seen is not None else {id(fn)}
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    env = getattr(fn, "__globals__", {})
    home = getattr(fn, "__module__", None)
    imports: list[str] = []
    helpers: list[str] = []
    for name in sorted(_global_names(code)):
        if name not in env:
            continue
        value = env[name]
        if inspect.ismodule(value):
            imports.append(
                f"import {value.__name__}"
                if value.__name__ == name
                else f"import {value.__name__} as {name}"
            )
            continue
        module = getattr(value, "__module__", None)
        qual = getattr(value, "__qualname__", None)
        if (
            module
            and module != home
            and module in sys.modules
            and qual
            and "." not in qual
            and getattr(sys.modules[module], qual, None) is value
        ):
            imports.append(f"from {module} import {qual}" + ("" if qual == name else f" as {name}"))
            continue
        if inspect.isfunction(value) and module == home and id(value) not in seen:
            seen.add(id(value))
            try:
                helper = textwrap.dedent(inspect.getsource(value))
            except (OSError, TypeError):
                continue
            inner = _module_context(value, seen)
            helpers.append((inner + "\n\n" if inner else "") + helper)
            continue
        if type(value) in (int, float, str, bytes, bool, type(None)) or (
            type(value) in (tuple, frozenset) and all(type(v) in (int, str) for v in value)
        ):
            helpers.append(f"{name} = {value!r}")
    return "\n".join(dict.fromkeys(imports + helpers))


# --------------------------------------------------------------------------
# datasets, tasks and samples


def _load_dataset(dataset: Any) -> Dataset:
    from perfcount.dpe.datasets import load_dataset

    if dataset is None:
        dataset = DEFAULT_DATASET
    if isinstance(dataset, (str, os.PathLike)):
        return load_dataset(dataset)
    if isinstance(dataset, Mapping):
        return dataset  # type: ignore[return-value]
    raise InvalidArgument(
        f"dataset must be a name, a path or a Dataset, not {type(dataset).__name__}"
    )


def _unknown_task(task_id: str, known: Iterable[str], where: str = "") -> str:
    known = list(known)
    close = difflib.get_close_matches(task_id, known, n=3, cutoff=0.5)
    msg = f"unknown task id {task_id!r}{where}"
    if close:
        msg += f"; did you mean {', '.join(repr(c) for c in close)}?"
    else:
        msg += f" ({len(known)} tasks, e.g. {', '.join(repr(k) for k in known[:3])})"
    return msg


def _resolve_task(task: Any, dataset: Any) -> tuple[Task, str | None, str | None]:
    """(task, dataset name, dataset version) for a task id or a Task."""
    if isinstance(task, str):
        ds = _load_dataset(dataset)
        if task not in ds:
            name = getattr(ds, "name", "dataset")
            raise InvalidArgument(_unknown_task(task, ds, f" in dataset {name!r}"))
        return ds[task], getattr(ds, "name", None), _str_or_none(getattr(ds, "version", None))
    if hasattr(task, "task_id") and hasattr(task, "reference"):
        name = version = None
        if dataset is not None and not isinstance(dataset, (str, os.PathLike)):
            name, version = getattr(dataset, "name", None), getattr(dataset, "version", None)
        elif isinstance(dataset, str):
            name = dataset
        return task, name, _str_or_none(version)
    raise InvalidArgument(f"task must be a task id or a Task, not {type(task).__name__}")


def _str_or_none(v: Any) -> str | None:
    return None if v is None else str(v)


def _check_has_references(task: Task) -> None:
    refs = list(getattr(task, "reference", None) or [])
    if not refs:
        raise DatasetError(
            f"task {task.task_id!r} has no reference solutions, so it cannot be scored",
            hint="a dataset task needs `reference` (slow→fast) and `scores`; "
            "build one with `perfcount curate`",
        )


def load_samples(
    samples: str | os.PathLike[str] | Iterable[Mapping[str, Any]],
    known_tasks: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Samples JSONL (or a list of dicts) → validated dicts with a ``sample`` index.

    Each needs ``task_id`` (str) and ``solution`` (str); other fields are
    carried into the results. Errors name ``file:line`` (or ``samples[i]``):
    not valid JSON, a missing or mistyped field, an unknown task id (with close
    matches). Blank lines are skipped; ``sample`` is the 0-based position.
    """
    known = None if known_tasks is None else set(known_tasks)
    out: list[dict[str, Any]] = []
    if isinstance(samples, (str, os.PathLike)):
        path = str(samples)
        for lineno, obj in iter_jsonl(path, "samples file"):
            out.append(_validate_sample(obj, len(out), known, path, lineno))
    else:
        for i, obj in enumerate(samples):
            out.append(_validate_sample(obj, i, known, None, None))
    if not out:
        raise DatasetError("no samples", path=str(samples) if isinstance(samples, str) else None)
    return out


def _validate_sample(
    obj: Any, index: int, known: set[str] | None, path: str | None, line: int | None
) -> dict[str, Any]:
    def err(msg: str, fieldname: str | None = None) -> DatasetError:
        if path is None:
            return DatasetError(
                msg, field=f"samples[{index}]" + (f".{fieldname}" if fieldname else "")
            )
        return DatasetError(msg, path=path, line=line, field=fieldname)

    if not isinstance(obj, Mapping):
        raise err(f"a sample must be a JSON object, not {type(obj).__name__}")
    for key in ("task_id", "solution"):
        if key not in obj:
            raise err("missing required field", key)
        if not isinstance(obj[key], str):
            raise err(f"must be a string, not {type(obj[key]).__name__}", key)
    if known is not None and obj["task_id"] not in known:
        raise err(_unknown_task(obj["task_id"], sorted(known)), "task_id")
    sample = {"task_id": obj["task_id"], "solution": obj["solution"], "sample": index}
    for k, v in obj.items():
        if k in ("task_id", "solution"):
            continue
        sample[f"extra_{k}" if k in _RESERVED else k] = v
    return sample


# --------------------------------------------------------------------------
# one task


def make_config(**overrides: Any) -> dict[str, Any]:
    """The plain-dict config :func:`evaluate_task` takes (unknown keys refused)."""
    unknown = set(overrides) - set(_CONFIG_DEFAULTS)
    if unknown:
        raise InvalidArgument(f"unknown evaluation config keys: {sorted(unknown)}")
    cfg = {**_CONFIG_DEFAULTS, **overrides}
    cfg["match"] = check_match(cfg["match"])
    if cfg["tolerance"] is not None and (
        isinstance(cfg["tolerance"], bool)
        or not isinstance(cfg["tolerance"], (int, float))
        or not (math.isfinite(cfg["tolerance"]) and cfg["tolerance"] >= 0)
    ):
        raise InvalidArgument(f"tolerance must be a number >= 0, got {cfg['tolerance']!r}")
    if int(cfg["min_correct"]) < 0:
        raise InvalidArgument("min_correct must be ≥ 0")
    if cfg["max_profile"] is not None and int(cfg["max_profile"]) < 1:
        raise InvalidArgument("max_profile must be ≥ 1 (or None for no limit)")
    if cfg["limit"] not in LIMITS:
        raise InvalidArgument(
            f"unknown limit {cfg['limit']!r}",
            hint="limit='instructions' (a budget where the backend counts instructions) or "
            "'wall' (EvalPerf's wall-clock limit only)",
        )
    if cfg["switch_interval"] is not None:
        # the runner's own check, with its message, before any task starts
        Limits(switch_interval=cfg["switch_interval"])
    if cfg["plus"] is not None and not isinstance(cfg["plus"], (Mapping, PlusTask)):
        raise InvalidArgument(
            f"plus must be a PlusTask or its to_dict(), not {type(cfg['plus']).__name__}"
        )
    return cfg


def _task_inputs(task: Task) -> list[Any]:
    fn = getattr(task, "inputs", None)
    return list(fn()) if callable(fn) else list(plain.decode(task.pe_input))


def _task_tests(task: Task) -> list[Any] | None:
    if not getattr(task, "tests", None):
        return None
    fn = getattr(task, "test_inputs", None)
    return list(fn()) if callable(fn) else list(plain.decode(task.tests))


def _last_line(text: Any) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[-1].strip() if lines else ""


class _PlusUnusable(Exception):
    """The plus tests cannot serve as this task's gate (the canonical solution does not run)."""


@dataclass(frozen=True)
class _PlusReady:
    """A task's plus tests ready to check candidates on: the positions of the inputs kept
    (in ``PlusTask.inputs``), those inputs decoded, the canonical outputs, and the runs."""

    kept: list[int]
    inputs: list[Any]
    expected: list[Any]
    runs: list[range]


def _check_error(chk: Any) -> str | None:
    err = getattr(chk, "error", None)
    if err:
        return str(err)
    failures = getattr(chk, "failures", None)
    if failures:
        first = failures[0] if isinstance(failures, (list, tuple)) else failures
        return str(first)[:2000]
    return None


class _TaskEvaluator:
    """References (lazy, cached) and candidates of one task on one runner."""

    def __init__(
        self,
        task: Task,
        runner: CandidateRunner,
        cfg: Mapping[str, Any],
        progress: _progress.Send | None = None,
    ) -> None:
        from perfcount.counters.host import fingerprint

        _check_has_references(task)
        self.task = task
        self.kind = kind_of(task)
        self.runner = runner
        self.cfg = cfg
        self.refs = list(task.reference)
        self.scores = [float(s) for s in task.scores]
        self.m = len(self.refs)
        if len(self.scores) != self.m:
            raise DatasetError(
                f"task {task.task_id!r}: {self.m} references but {len(self.scores)} scores"
            )
        self.inputs = _task_inputs(task)
        self.has_tests = _task_tests(task) is not None
        plus = cfg.get("plus")
        self.plus: PlusTask | None = None
        if plus is not None and self.kind.name == "python":
            self.plus = plus if isinstance(plus, PlusTask) else PlusTask.from_dict(plus)
        # which correctness gate this task's samples go through (GATES)
        self.gate = "plus-tests" if self.plus is not None else self._fallback_gate()
        self._plus_ready: _PlusReady | None = None
        self._plus_info: dict[str, Any] | None = None
        self.fingerprint = fingerprint()
        key = {
            "dataset": cfg.get("dataset"),
            "dataset_version": cfg.get("dataset_version"),
            "task_id": task.task_id,
            "fingerprint": self.fingerprint,
            "backend": runner.backend,
            # the tool's version: qemu 7.2 and 10.0 count one program differently
            "tool": runner.tool,
            # where a threaded candidate's threads switch changes its count
            "switch_interval": runner.switch_interval,
            "metric": runner.metric,
            "perfcount": __version__,
            # costs measured by another version of the measuring code are not reused
            "harness": harness_digest(),
            "content": content_hash(
                [task.entry_point, self.refs, task.pe_input]
                + ([task.language, task.build, task.run] if task.is_command else [])
            ),
        }
        self.cache = ReferenceCache(
            key, directory=cfg.get("cache_dir"), enabled=bool(cfg.get("cache"))
        )
        # per reference: {"index", "score", "cost", "status", "error", "cached"}
        self.ref_info: list[dict[str, Any] | None] = [None] * self.m
        self.warnings: list[str] = []
        self._expected: list[Any] | None = None
        self._expected_error: str | None = None
        self._anchors: dict[str, float | None] = {}
        self._send = progress
        self.progress = TaskProgress(None, task.task_id, 0)

    def _profile(
        self, source: str, *, timeout: float | None = None, instructions: int | None = None
    ) -> Any:
        return self.kind.profile(
            self.runner,
            source,
            self.task.entry_point,
            self.inputs,
            timeout=timeout,
            instructions=instructions,
        )

    # references -----------------------------------------------------------

    def _profile_reference(self, i: int) -> dict[str, Any]:
        with self.progress.waiting(_progress.REFERENCES, f"reference {i + 1} of {self.m}"):
            prof = self._profile(self.refs[i])
            if prof.status == "timeout":
                # a loaded machine can push a reference past the limit; EvalPerf retries too
                prof = self._profile(self.refs[i])
        info: dict[str, Any] = {
            "index": i,
            "score": self.scores[i],
            "cost": float(prof.cost) if prof.status == "ok" else None,
            "status": prof.status,
            "error": None if prof.status == "ok" else (prof.error or prof.status),
            "cached": False,
            "cpu_s": getattr(prof, "cpu_s", None),
        }
        if prof.status == "ok":
            self.cache.put(
                i, {"cost": info["cost"], "metric": self.runner.metric, "cpu_s": info["cpu_s"]}
            )
            # the outputs on pe_input every candidate is held to (and, without tests, its gate)
            self._remember_outputs(i, prof.outputs)
        else:
            self.warnings.append(
                f"reference {i} (score {self.scores[i]:g}) failed on this machine "
                f"({prof.status}): {str(info['error']).strip().splitlines()[-1] if info['error'] else ''}"
                "; it is skipped when matching"
            )
        return info

    def _remember_outputs(self, i: int, outputs: Any) -> None:
        if self._expected is None and outputs is not None:
            self._expected = list(outputs)
            self.cache.put_extra("expected", {"from_reference": i, "outputs": self._expected})

    def reference(self, i: int) -> dict[str, Any]:
        info = self.ref_info[i]
        if info is not None:
            return info
        cached = self.cache.get(i)
        if cached is not None:
            info = {
                "index": i,
                "score": self.scores[i],
                "cost": float(cached["cost"]),
                "status": "ok",
                "error": None,
                "cached": True,
                "cpu_s": cached.get("cpu_s"),
            }
        else:
            info = self._profile_reference(i)
        self.ref_info[i] = info
        # EvalPerf's order check: a slower reference must cost more than the next faster one
        if info["cost"] is not None and i + 1 < self.m:
            nxt = self.ref_info[i + 1]
            if nxt is not None and nxt["cost"] is not None and info["cost"] <= nxt["cost"]:
                self.warnings.append(
                    f"reference {i} is not slower than reference {i + 1} on this machine "
                    f"({info['cost']:,.0f} ≤ {nxt['cost']:,.0f} {self.runner.metric})"
                )
        return info

    def tolerance(self, prof: Any = None) -> float:
        """The tie tolerance: the config's, else the backend's (from this profile's spread)."""
        if self.cfg.get("tolerance") is not None:
            return float(self.cfg["tolerance"])
        cost = getattr(prof, "cost", None)
        return default_tolerance(self.runner.backend, cost=cost, cv=getattr(prof, "cv", None))

    def match(self, cost: float, tolerance: float = 0.0) -> int | None:
        """Fastest reference that ``cost`` matches (-1: none); None if none is measurable.

        Scans fast -> slow like EvalPlus and stops at the first match, so only
        the references that decide the score are profiled. ``inclusive``: a
        reference at most ``tolerance`` cheaper than the candidate matches;
        ``strict``: only one costlier by more than ``tolerance``.
        """
        inclusive = self.cfg.get("match", "inclusive") == "inclusive"
        measured = False
        for j in range(self.m - 1, -1, -1):
            info = self.reference(j)
            if info["cost"] is None:
                continue
            measured = True
            diff = info["cost"] - cost
            if (diff >= -tolerance) if inclusive else (diff > tolerance):
                return j
        return -1 if measured else None

    def margin(self, cost: float, j: int) -> float | None:
        """Signed distance to the boundary that decided the match (> 0: the candidate is cheaper).

        The decisive references are the matched one (``j``) and the next faster
        one, which the scan measured and did not match; with no match, the
        slowest. Both are measured on every path, so the margin is too.
        """
        near = [k for k in (j, j + 1) if 0 <= k < self.m] if j >= 0 else [0]
        diffs = [
            self.ref_info[k]["cost"] - cost
            for k in near
            if self.ref_info[k] is not None and self.ref_info[k]["cost"] is not None
        ]
        return min(diffs, key=abs) if diffs else None

    def wrong_output(self, outputs: Any) -> str | None:
        """Why ``outputs`` (a candidate's, on ``pe_input``) differ from the references', or None.

        Under the plus-tests gate the outputs are compared as EvalPlus compares
        them (the task's oracle and float tolerance), else as the task's kind does.
        """
        expected, _ = self.expected()
        if expected is None:
            # no reference ran on pe_input: nothing to hold the candidate to (said in warnings)
            return None
        if outputs is None or len(outputs) != len(expected):
            n = "no" if outputs is None else len(outputs)
            return f"wrong output on the performance input: {n} outputs for {len(expected)} inputs"
        try:
            if self.gate == "plus-tests" and self.plus is not None:
                cmp = Comparison(self.plus.oracle, self.plus.atol)
                diff = None
                for args, got, exp in zip(self.inputs, outputs, expected):
                    want = stored_expected(self.plus.oracle, plain.decode(exp))
                    diff = cmp.difference(args, plain.decode(got), want)
                    if diff is not None:
                        break
            else:
                diff = self.kind.first_difference(outputs, expected, self.task)
        except Exception as exc:  # malformed outputs: the candidate's fault, never the run's
            return f"unreadable output on the performance input ({type(exc).__name__}: {exc})"
        if diff is None:
            return None
        return f"wrong output on the performance input: {diff}"

    def expected(self) -> tuple[list[Any] | None, str | None]:
        """Expected outputs on ``pe_input`` for a task without tests (fastest working reference)."""
        if self._expected is not None or self._expected_error is not None:
            return self._expected, self._expected_error
        stored = self.cache.get_extra("expected")
        if stored is not None:
            self._expected = list(stored["outputs"])
            return self._expected, None
        for j in range(self.m - 1, -1, -1):
            info = self.ref_info[j]
            if info is None:
                info = self.ref_info[j] = self._profile_reference(j)
            elif info["cached"] and info["status"] == "ok":
                # the cost is cached but its outputs are not: run it once more
                with self.progress.waiting(_progress.REFERENCES, f"reference {j + 1} of {self.m}"):
                    prof = self._profile(self.refs[j])
                if prof.status == "ok":
                    self._remember_outputs(j, prof.outputs)
            if self._expected is not None:
                return self._expected, None
        self._expected_error = (
            "no reference ran successfully on pe_input, so expected outputs are unknown"
        )
        return None, self._expected_error

    # plus tests -----------------------------------------------------------

    def _fallback_gate(self) -> str:
        return "tests" if self.has_tests else "references"

    def plus_ready(self) -> _PlusReady | None:
        """The plus tests with the canonical solution's outputs (cached), or None when the
        canonical solution cannot provide them (then the task falls back, with a warning)."""
        plus = self.plus
        if self._plus_ready is not None or plus is None:
            return self._plus_ready
        key = {
            "kind": "evalplus-plus-tests",
            "task_id": plus.task_id,
            "plus_sha256": plus.sha256,
            "input_rule": plus.input_rule,
            "content": content_hash([plus.entry_point, plus.source, plus.inputs]),
            "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
            "perfcount": __version__,
        }
        cache = ReferenceCache(
            key, directory=self.cfg.get("cache_dir"), enabled=bool(self.cfg.get("cache"))
        )
        stored = cache.get_extra("expected")
        cached = stored is not None
        if stored is None:
            try:
                kept, outputs, dropped = self._canonical_outputs(plus)
            except _PlusUnusable as exc:
                self.plus, self.gate = None, self._fallback_gate()
                self.warnings.append(
                    f"plus tests not used: {exc}; checked on the {self.gate} instead"
                    if self.gate == "tests"
                    else f"plus tests not used: {exc}; checked against the references' "
                    "outputs instead"
                )
                return None
            stored = {"kept": kept, "outputs": outputs, "dropped": dropped}
            cache.put_extra("expected", stored)
        if cache.problem:
            self.warnings.append(cache.problem)
        dropped = [(int(i), str(why)) for i, why in stored["dropped"]]
        if dropped:
            shown = "; ".join(f"{plus.label(i)}: {why}" for i, why in dropped[:3])
            more = f" (and {len(dropped) - 3} more)" if len(dropped) > 3 else ""
            self.warnings.append(
                f"plus tests: the canonical solution fails on {len(dropped)} of "
                f"{len(plus.inputs)} inputs, left out: {shown}{more}"
            )
        every = plus.inputs
        kept = [int(i) for i in stored["kept"]]
        self._plus_ready = _PlusReady(
            kept,
            [plain.decode(every[i]) for i in kept],
            list(stored["outputs"]),
            chunks(
                [every[i] for i in kept], max_inputs=PLUS_CHUNK_INPUTS, max_bytes=PLUS_CHUNK_BYTES
            ),
        )
        self._plus_info = {
            "file": Path(plus.path).name if plus.path else None,
            "inputs": len(kept),
            "base": sum(1 for i in kept if i < len(plus.base_input)),
            "dropped": len(dropped),
            "oracle": plus.oracle,
            "atol": plus.atol,
            "input_rule": plus.input_rule,
            "cached": cached,
        }
        return self._plus_ready

    def _canonical_outputs(self, plus: PlusTask) -> tuple[list[int], list[Any], list[Any]]:
        """Run the canonical solution on every base+plus input (natively, ``check`` mode).

        Returns the positions of the inputs it ran on, its outputs there and the
        ``[position, why]`` of the inputs it failed on (left out). An input whose
        exception names it is dropped and the rest of its run repeated; a run
        that times out or crashes without naming one is split in halves down to
        single inputs. Too many failures raise ``_PlusUnusable``.
        """
        every = plus.inputs
        decoded = [plain.decode(a) for a in every]
        limit = max(PLUS_MIN_DROPPED, int(PLUS_MAX_DROPPED_SHARE * len(every)))
        outputs: dict[int, Any] = {}
        dropped: list[list[Any]] = []
        failed_runs = 0
        pending = [
            list(r) for r in chunks(every, max_inputs=PLUS_CHUNK_INPUTS, max_bytes=PLUS_CHUNK_BYTES)
        ]
        pending.reverse()  # a stack: the first run on top
        source, entry_point = plus.expected_program()
        while pending:
            idx = pending.pop()
            chk = self.kind.check(
                self.runner,
                source,
                entry_point,
                [decoded[i] for i in idx],
                self.kind.placeholders(len(idx)),
            )
            if chk.outputs is not None and chk.status in ("ok", "failed"):
                outputs.update(zip(idx, chk.outputs))
                continue
            failed_runs += 1
            first = chk.first_failure
            why = f"{chk.status}: {_last_line(chk.error) or chk.status}"
            if first is not None and 0 <= first.index < len(idx):
                dropped.append([idx[first.index], why])
                rest = idx[: first.index] + idx[first.index + 1 :]
                if rest:
                    pending.append(rest)
            elif chk.status == "failed":  # not about one input: no module, no entry point
                raise _PlusUnusable(f"the canonical solution fails before any input ({why})")
            elif len(idx) == 1:
                dropped.append([idx[0], why])
            else:
                half = len(idx) // 2
                pending.append(idx[half:])
                pending.append(idx[:half])
            if len(dropped) > limit or failed_runs > PLUS_MAX_FAILED_RUNS:
                raise _PlusUnusable(
                    f"the canonical solution failed on {len(dropped)} of {len(every)} inputs "
                    f"in {failed_runs} failed runs (last: {why})"
                )
        if not outputs:
            raise _PlusUnusable("the canonical solution runs on none of the inputs")
        kept = sorted(outputs)
        return kept, [outputs[i] for i in kept], sorted(dropped)

    def check_plus(self, source: str, ready: _PlusReady) -> tuple[str, bool, str | None]:
        """(status, passed, error) on the base+plus inputs, compared as EvalPlus does
        (:class:`perfcount.dpe.plustests.Comparison`), stopping at the first failure."""
        plus = self.plus
        assert plus is not None
        cmp = Comparison(plus.oracle, plus.atol)
        program, entry_point = plus.candidate_program(source, self.task.entry_point)
        for run in ready.runs:
            args = ready.inputs[run.start : run.stop]
            chk = self.kind.check(
                self.runner, program, entry_point, args, self.kind.placeholders(len(args))
            )
            if chk.outputs is None or chk.status not in ("ok", "failed"):
                status = chk.status if chk.status != "ok" else "failed"
                first = chk.first_failure
                if first is not None and 0 <= first.index < len(args):
                    pos = run.start + first.index
                    return (
                        status,
                        False,
                        f"{status} on {plus.label(ready.kept[pos])} "
                        f"{short_repr(ready.inputs[pos])}: {_last_line(chk.error) or status}",
                    )
                return status, False, _check_error(chk) or status
            for k, (got, exp) in enumerate(zip(chk.outputs, ready.expected[run.start : run.stop])):
                pos = run.start + k
                try:
                    why = cmp.difference(ready.inputs[pos], plain.decode(got), plain.decode(exp))
                except Exception as exc:  # a malformed output is the candidate's fault
                    why = f"unreadable output ({type(exc).__name__}: {exc})"
                if why is not None:
                    j = ready.kept[pos]
                    return (
                        "failed",
                        False,
                        f"wrong output on {plus.label(j)} {short_repr(ready.inputs[pos])}: {why}",
                    )
        return "ok", True, None

    def expected_on_tests(self, tests: list[Any]) -> tuple[list[Any] | None, str | None]:
        """Expected outputs for tests stored without them: the fastest reference that runs.

        Run natively through ``Runner.check`` against placeholders (only its
        outputs are used), cached with the reference costs.
        """
        stored = self.cache.get_extra("expected_tests")
        if stored is not None:
            return list(stored["outputs"]), None
        placeholder = self.kind.placeholders(len(tests))
        problems = []
        for j in range(self.m - 1, -1, -1):
            with self.progress.waiting("running references on the tests", f"reference {j + 1}"):
                chk = self.kind.check(
                    self.runner, self.refs[j], self.task.entry_point, tests, placeholder
                )
            if chk.outputs is not None and chk.status in ("ok", "failed"):
                outputs = list(chk.outputs)
                self.cache.put_extra("expected_tests", {"from_reference": j, "outputs": outputs})
                return outputs, None
            problems.append(f"reference {j}: {chk.status}")
        return None, "no reference ran on the tests (" + "; ".join(problems) + ")"

    def anchor_cost(self, which: str) -> float | None:
        """Cost of the task's ``baseline`` or ``expert`` source here (cached); None if absent/failing."""
        if which in self._anchors:
            return self._anchors[which]
        source = getattr(self.task, which, None)
        cost: float | None = None
        if isinstance(source, str) and source.strip():
            stored = self.cache.get_extra(which)
            if stored is not None:
                cost = float(stored["cost"])
            else:
                with self.progress.waiting(f"profiling the task's {which}"):
                    prof = self._profile(source)
                if prof.status == "ok":
                    cost = float(prof.cost)
                    self.cache.put_extra(which, {"cost": cost, "metric": self.runner.metric})
                else:
                    self.warnings.append(
                        f"the task's {which} failed on this machine ({prof.status}); "
                        "speedups against it are not reported"
                    )
        self._anchors[which] = cost
        return cost

    def reference_costs(self) -> list[float | None]:
        return [None if r is None else r["cost"] for r in self.ref_info]

    # candidates -----------------------------------------------------------

    def check(self, source: str) -> tuple[str, bool, str | None]:
        """(status, passed, error) of the correctness gate (``self.gate``)."""
        task = self.task
        if self.plus is not None:
            ready = self.plus_ready()
            if ready is not None:
                return self.check_plus(source, ready)
        tests = _task_tests(task)
        if tests is not None and task.expected is not None:
            expected = list(task.expected)
        elif tests is not None:
            expected_or_none, why = self.expected_on_tests(tests)
            if expected_or_none is None:
                return "reference_error", False, why
            expected = expected_or_none
        else:
            expected_or_none, why = self.expected()
            if expected_or_none is None:
                return "reference_error", False, why
            tests, expected = self.inputs, expected_or_none
        chk = self.kind.check(
            self.runner,
            source,
            task.entry_point,
            tests,
            expected,
            atol=float(getattr(task, "atol", 0) or 0),
            rtol=float(getattr(task, "rtol", 0) or 0),
        )
        if chk.passed:
            return "ok", True, None
        status = chk.status if chk.status != "ok" else "failed"
        return status, False, _check_error(chk) or "wrong output"

    def candidate_timeout(self) -> float | None:
        """Per-candidate time limit (native seconds, as ``Runner.profile`` takes it).

        Used only when the user set no ``timeout``: ``CANDIDATE_TIMEOUT_MULTIPLE``
        times the slowest reference's cost stored at curation, turned into
        seconds (instructions at ``ASSUMED_INSTRUCTIONS_PER_S``), at least
        ``MIN_CANDIDATE_TIMEOUT_S``, rounded up to a power of two. It depends on
        the dataset only, never on this run's timings, so every candidate's
        request to the fork server is the same from run to run (callgrind
        counts stay repeatable). ``None`` (the runner's default) when the task
        stores no curation costs in a known metric.
        """
        if self.cfg.get("timeout") is not None:
            return None
        costs = self.task.reference_costs
        if not costs or min(costs) <= 0:
            return None
        metric = (self.task.curation or {}).get("metric", "instructions")
        if metric == "instructions":
            seconds = max(costs) / ASSUMED_INSTRUCTIONS_PER_S
        elif metric in ("task-clock", "cpu-clock"):
            seconds = max(costs) / 1e9
        else:
            return None
        budget = max(MIN_CANDIDATE_TIMEOUT_S, CANDIDATE_TIMEOUT_MULTIPLE * seconds)
        return float(2 ** math.ceil(math.log2(budget)))

    def candidate_budget(self) -> int | None:
        """Per-candidate instruction budget (``limit="instructions"``), or ``None``.

        The instructions :meth:`candidate_timeout` stands for, at
        ``ASSUMED_INSTRUCTIONS_PER_S``, when the runner's metric is
        ``instructions`` and the limit is the default one (no explicit
        ``timeout``). Like the timeout it depends on the dataset only.
        """
        if self.cfg.get("limit") != "instructions" or self.runner.metric != "instructions":
            return None
        seconds = self.candidate_timeout()
        return None if seconds is None else int(seconds * ASSUMED_INSTRUCTIONS_PER_S)

    def cpu_model(self) -> CpuModel | None:
        """CPU time against cost, from the references measured (or cached) so far."""
        return cpu_model(
            (info["cost"], info.get("cpu_s")) for info in self.ref_info if info is not None
        )

    def profile_and_match(self, source: str) -> dict[str, Any]:
        prof = self._profile(
            source, timeout=self.candidate_timeout(), instructions=self.candidate_budget()
        )
        out: dict[str, Any] = {
            "status": prof.status,
            "cost": float(prof.cost) if prof.status == "ok" else None,
            "counts": _counts_dict(prof),
            "error": None if prof.status == "ok" else (prof.error or prof.status),
            # the kernel's CPU time of the candidate's processes: the check that needs no
            # trust in the count (status "suspect")
            "cpu_s": getattr(prof, "cpu_s", None),
            "dps": 0.0,
            "dps_norm": 0.0,
            "cluster": -1,
        }
        if prof.status != "ok":
            return out
        # the performance input's outputs are checked too: a candidate must not be
        # right on the tests and wrong (or cheap and wrong) on the workload it is scored on
        wrong = self.wrong_output(prof.outputs)
        if wrong is not None:
            out.update(status="failed", passed=False, cost=None, error=wrong)
            return out
        if getattr(self.task, "baseline", None):
            from perfcount.dpe.scoring import speedup_fields

            out.update(
                speedup_fields(
                    out["cost"], self.anchor_cost("baseline"), self.anchor_cost("expert")
                )
            )
        tol = self.tolerance(prof)
        j = self.match(out["cost"], tol)
        if j is None:
            out.update(
                status="reference_error",
                dps=None,
                dps_norm=None,
                cluster=None,
                error="no reference could be measured on this machine: " + "; ".join(self.warnings),
            )
            return out
        # the references it was matched against were profiled (or cached) by now
        odd = suspect(out["cost"], getattr(prof, "cpu_s", None), self.cpu_model())
        if odd is not None:
            # scores 0, with both figures: the count and the kernel's CPU time disagree
            out.update(status="suspect", error=odd)
            return out
        s = Score.at(j, self.scores)
        margin = self.margin(out["cost"], j)
        out.update(
            dps=s.dps,
            dps_norm=s.dps_norm,
            cluster=s.cluster,
            margin=margin,
            # noise of the tolerance's size could move it across a boundary
            fragile=bool(tol > 0 and margin is not None and abs(margin) <= tol),
        )
        return out

    def run(self, samples: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        t0 = time.monotonic()
        task = self.task
        progress = self.progress = TaskProgress(self._send, task.task_id, len(samples))
        progress.start()
        metric, backend = self.runner.metric, self.runner.backend
        # identical solutions (after whitespace normalisation) run once
        first_of: dict[str, int] = {}
        rows: list[dict[str, Any]] = []
        for pos, s in enumerate(samples):
            norm = normalize_source(s["solution"])
            sha = _sha(norm)
            row = {
                "kind": "sample",
                "task_id": task.task_id,
                "sample": s.get("sample", pos),
                "passed": False,
                "status": None,
                "dps": None,
                "dps_norm": None,
                "cluster": None,
                "cost": None,
                "metric": metric,
                "backend": backend,
                "reference_costs": None,
                "error": None,
                "solution_sha256": sha,
                "duplicate_of": None,
            }
            if sha in first_of:
                row["duplicate_of"] = rows[first_of[sha]]["sample"]
            else:
                first_of[sha] = pos
            rows.append(row)
        # 1. correctness, once per distinct solution
        copies = {sha: sum(r["solution_sha256"] == sha for r in rows) for sha in first_of}
        for pos, row in enumerate(rows):
            if row["duplicate_of"] is not None:
                continue
            with progress.sample(pos, row["sample"], _progress.CHECKING) as step:
                status, passed, error = self.check(samples[pos]["solution"])
                step["status"] = status
                if not passed:  # it and its copies are done
                    progress.finished(copies[row["solution_sha256"]])
            row.update(status=status, passed=passed, error=error)
        for row in rows:
            if row["duplicate_of"] is not None:
                src = rows[first_of[row["solution_sha256"]]]
                row.update(status=src["status"], passed=src["passed"], error=src["error"])
        n_passed = sum(r["passed"] for r in rows)
        # 2. profile the first max_profile correct samples (duplicates share a profile)
        min_correct = int(self.cfg.get("min_correct") or 0)
        max_profile = self.cfg.get("max_profile")
        profiled: dict[str, dict[str, Any]] = {}
        n_profiled = 0
        for pos, row in enumerate(rows):
            if not row["passed"]:
                row.update(dps=0.0, dps_norm=0.0, cluster=-1)
                continue
            if n_passed < min_correct:
                row.update(
                    status="not_profiled",
                    error=f"task has {n_passed} correct samples < min_correct={min_correct}",
                )
                progress.finished()
                continue
            if max_profile is not None and n_profiled >= int(max_profile):
                row.update(
                    status="not_profiled", error=f"beyond the first max_profile={max_profile}"
                )
                progress.finished()
                continue
            n_profiled += 1
            sha = row["solution_sha256"]
            if sha not in profiled:
                with progress.sample(
                    pos, row["sample"], _progress.PROFILING, finishes=True
                ) as step:
                    profiled[sha] = self.profile_and_match(samples[pos]["solution"])
                    step["status"] = profiled[sha]["status"]
            else:
                progress.finished()
            res = profiled[sha]
            row.update(
                {k: res[k] for k in ("status", "cost", "counts", "dps", "dps_norm", "cluster")}
            )
            row.update({k: res[k] for k in ("margin", "fragile", "passed", "cpu_s") if k in res})
            row.update({k: res[k] for k in _SPEEDUP_KEYS if k in res})
            row["error"] = res["error"]
        ref_costs = self.reference_costs()
        ref_warning = "; ".join(w for w in self.warnings if "failed" in w) or None
        for pos, row in enumerate(rows):
            row["reference_costs"] = ref_costs
            if ref_warning and row["status"] == "ok":
                row["error"] = ref_warning
            for k, v in samples[pos].items():
                if k not in ("task_id", "solution", "sample"):
                    row[k] = v
        scored = [r for r in rows if r["passed"] and r["dps"] is not None]
        task_line = {
            "kind": "task",
            "task_id": task.task_id,
            "n_samples": len(rows),
            "n_passed": n_passed,
            "pass@1": 100.0 * n_passed / len(rows) if rows else 0.0,
            "n_profiled": len(scored),
            "n_fragile": sum(1 for r in scored if r.get("fragile")),
            "n_distinct": len(first_of),
            "correctness": self.gate,
            **({"plus_tests": self._plus_info} if self.gate == "plus-tests" else {}),
            **_stats("dps", [r["dps"] for r in scored]),
            **_stats("dps_norm", [r["dps_norm"] for r in scored]),
            "references": [
                r
                if r is not None
                else {
                    "index": i,
                    "score": self.scores[i],
                    "cost": None,
                    "status": "not_needed",
                    "error": None,
                    "cached": False,
                }
                for i, r in enumerate(self.ref_info)
            ],
            "reference_costs": ref_costs,
            **self._speedup_summary(scored),
            "warnings": list(self.warnings)
            + self.cache.warnings
            + ([self.cache.problem] if self.cache.problem else []),
            "backend": backend,
            "metric": metric,
            "fingerprint": self.fingerprint,
            "hostname": socket.gethostname(),
            "cache": {"hits": self.cache.hits, "misses": self.cache.misses},
            "elapsed_s": round(time.monotonic() - t0, 3),
        }
        return [*rows, task_line]

    def _speedup_summary(self, scored: list[dict[str, Any]]) -> dict[str, Any]:
        """Task-line fields for a task with a baseline: its and the expert's cost, the
        geometric mean speedup and the mean share of the expert's speedup."""
        if not getattr(self.task, "baseline", None):
            return {}
        ups = [r["speedup_vs_baseline"] for r in scored if r.get("speedup_vs_baseline")]
        shares = [
            r["share_of_expert_speedup"]
            for r in scored
            if r.get("share_of_expert_speedup") is not None
        ]
        return {
            "baseline_cost": self._anchors.get("baseline"),
            "expert_cost": self._anchors.get("expert"),
            "speedup_vs_baseline": math.exp(sum(map(math.log, ups)) / len(ups)) if ups else None,
            "share_of_expert_speedup": sum(shares) / len(shares) if shares else None,
        }


def _stats(name: str, values: list[float]) -> dict[str, float | None]:
    if not values:
        return {name: None, f"{name}_min": None, f"{name}_max": None}
    return {
        name: sum(values) / len(values),
        f"{name}_min": min(values),
        f"{name}_max": max(values),
    }


def _counts_dict(prof: Any) -> dict[str, Any] | None:
    counts = getattr(prof, "counts", None)
    if counts is None:
        return None
    return dict(counts)


def evaluate_task(
    task: Task,
    samples: Sequence[Mapping[str, Any]],
    config: Mapping[str, Any],
    runner: CandidateRunner | None = None,
    *,
    runners: RunnerPool | None = None,
    progress: _progress.Send | None = None,
) -> list[dict[str, Any]]:
    """Evaluate every sample of one task on this worker; plain dicts out.

    References and candidates share one runner (one fork server, or one
    command runner and its builds), so the references are measured on the same
    machine with the same backend as the candidates. Returns the sample lines
    (``kind="sample"``, in input order) followed by one task line
    (``kind="task"``). ``config`` is a plain dict (see :func:`make_config`).
    Idempotent and free of global state: safe to retry or to run on a remote
    worker. The runner comes from the task's kind
    (:func:`perfcount.pipeline.kinds.kind_of`): a caller running several
    tasks in one process passes ``runners`` (a
    :class:`perfcount.execute.pool.RunnerPool`) to pay each runner's start-up
    once, or its own Python ``runner`` (same backend; a command task then gets
    a command runner with that runner's backend); otherwise a runner is
    started and closed here. ``progress`` receives the task's progress messages
    (plain dicts, :class:`perfcount.pipeline.progress.TaskProgress`).
    """
    cfg = make_config(**dict(config))
    kind = kind_of(task)
    backend = cfg["backend"]
    if runner is not None:
        if runner.backend != backend and backend != "auto":
            raise InvalidArgument(
                f"config backend {backend!r} but the runner measures with {runner.backend!r}"
            )
        if getattr(runner, "kind", "python") == kind.name:
            return _TaskEvaluator(task, runner, cfg, progress).run(samples)
        backend = runner.backend
    with contextlib.ExitStack() as stack:
        pool = runners if runners is not None else stack.enter_context(RunnerPool())
        own = kind.open_runner(
            pool,
            backend,
            task,
            timeout=cfg["timeout"],
            memory_mb=cfg["memory_mb"],
            switch_interval=cfg["switch_interval"],
        )
        return _TaskEvaluator(task, own, cfg, progress).run(samples)


# --------------------------------------------------------------------------
# score()


def score(
    solution: str | Callable[..., Any],
    task: str | Task,
    *,
    dataset: str | os.PathLike[str] | Dataset | None = None,
    backend: str = "auto",
    timeout: float | None = None,
    memory_mb: int | None = None,
    cache: bool = True,
    runner: CandidateRunner | None = None,
    match: str = "inclusive",
    tolerance: float | None = None,
    limit: str = "instructions",
) -> ScoreResult:
    """Score one solution against a task's references on this machine.

    ``solution`` is source text or a function (see :func:`solution_source`);
    ``task`` a task id (looked up in ``dataset``, default ``"perfcount-py"``)
    or a ``Task``. Correctness first; a failing candidate gets
    ``passed=False`` and DPS 0 with the runner's status. References are
    profiled lazily and cached on disk (``cache=False`` to measure afresh).
    ``match`` is the tie rule (``"inclusive"``, EvalPlus's, or ``"strict"``,
    the paper's formula) and ``tolerance`` the tie width in the metric's unit
    (default: the backend's, see :func:`perfcount.dpe.scoring.default_tolerance`).
    ``limit`` as in :func:`evaluate` (``"wall"``: EvalPerf's wall-clock limit only).

    Each call starts a fork server (seconds under valgrind); to score many
    solutions, e.g. as an RL reward, pass a long-lived
    ``runner=perfcount.execute.runner.Runner(backend)`` (its backend, timeout and
    memory limit then apply).
    """
    from perfcount.dpe.scoring import ScoreResult

    t, ds_name, ds_version = _resolve_task(task, dataset)
    _check_has_references(t)
    source = solution_source(solution, t.entry_point)
    cfg = make_config(
        backend=backend,
        timeout=timeout,
        memory_mb=memory_mb,
        min_correct=1,
        max_profile=1,
        cache=cache,
        dataset=ds_name,
        dataset_version=ds_version,
        match=match,
        tolerance=tolerance,
        limit=limit,
    )
    samples = [{"task_id": t.task_id, "solution": source, "sample": 0}]
    if runner is None:
        lines = evaluate_task(t, samples, cfg)
    else:
        if backend not in ("auto", runner.backend):
            raise InvalidArgument(
                f"backend={backend!r} but the runner given measures with {runner.backend!r}",
                hint="leave backend='auto' when passing runner=",
            )
        lines = evaluate_task(t, samples, cfg, runner)
    return _score_result(ScoreResult, lines[0])


def _score_result(cls: Any, row: Mapping[str, Any]) -> ScoreResult:
    # counts and solution_sha256 travel in ScoreResult.extra
    data = {k: v for k, v in row.items() if k not in ("kind", "sample", "duplicate_of")}
    return cls.from_dict(data)


# --------------------------------------------------------------------------
# evaluate()


def default_output(samples_path: str | os.PathLike[str]) -> str:
    """``dir/name.jsonl`` → ``dir/name.results.jsonl`` (next to the samples file)."""
    p = Path(samples_path)
    stem = p.name[: -len(".jsonl")] if p.name.endswith(".jsonl") else p.stem
    return str(p.with_name(f"{stem}.results.jsonl"))


def _machine(backend: str) -> tuple[dict[str, Any], str]:
    """The host's metadata plus the CPU whose instructions ``backend`` counts (qemu: emulated)."""
    from perfcount.counters.backends import counted_cpu
    from perfcount.counters.host import describe, fingerprint

    return {**describe(), "counted_cpu": counted_cpu(backend)}, fingerprint()


@dataclass
class Evaluation:
    """The results of an evaluation run: header, per-sample and per-task rows.

    ``samples`` and ``tasks`` are lists of plain dicts (one per results-file
    line); ``summary`` the dataset-level numbers; ``to_pandas()`` the
    DataFrames. ``Evaluation.load(path)`` reads a results file back.
    """

    header: dict[str, Any]
    samples: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    path: str | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # results are written in completion order; present them in samples order
        self.samples = sorted(self.samples, key=lambda s: (_order(s.get("sample")), s["task_id"]))
        first: dict[str, int] = {}
        for pos, s in enumerate(self.samples):
            first.setdefault(s["task_id"], pos)
        self.tasks = sorted(self.tasks, key=lambda t: first.get(t["task_id"], len(first)))

    @property
    def summary(self) -> dict[str, Any]:
        return summarize(self.tasks, self.samples, self.header)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Evaluation:
        from perfcount.dpe.results import read_results

        data = read_results(path)
        return cls(data.header, data.samples, data.tasks, str(path), list(data.notes))

    def to_pandas(self, which: str = "tasks") -> Any:
        """``which="tasks"`` (one row per task) or ``"samples"`` → DataFrame."""
        return views.render(self, "frame", which=which)

    def _repr_html_(self) -> str:
        return views.render(self, "html")

    def __repr__(self) -> str:
        s = self.summary
        dps = "n/a" if s["dps"] is None else f"{s['dps']:.1f}"
        return (
            f"Evaluation({s['n_tasks']} tasks, {s['n_samples']} samples, "
            f"pass@1={s['pass@1']:.1f}, DPS={dps}, backend={s['backend']!r})"
        )


def _order(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def summarize(
    tasks: Sequence[Mapping[str, Any]],
    samples: Sequence[Mapping[str, Any]],
    header: Mapping[str, Any] | None = None,
    *,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Any]:
    """Dataset-level numbers (the paper's Table 3 columns).

    ``pass@1`` is the mean over tasks of the per-task share of correct samples
    (percent). DPS / DPS_norm ``avg``/``min``/``max`` are, per task, the mean /
    min / max over its profiled correct samples, then averaged over the tasks
    that have a score (the paper's "efficiency over passing tasks"). ``dps_ci``
    is a seeded bootstrap interval of the mean task DPS
    (``perfcount.dpe.aggregate.bootstrap_ci``, resampling tasks).
    """
    header = header or {}
    scored = [t for t in tasks if t.get("dps") is not None]

    def mean(key: str) -> float | None:
        vals = [float(t[key]) for t in scored]
        return sum(vals) / len(vals) if vals else None

    out: dict[str, Any] = {
        "n_tasks": len(tasks),
        "n_samples": len(samples),
        "n_scored_tasks": len(scored),
        "pass@1": (sum(float(t["pass@1"]) for t in tasks) / len(tasks)) if tasks else 0.0,
        "dps": mean("dps"),
        "dps_min": mean("dps_min"),
        "dps_max": mean("dps_max"),
        "dps_norm": mean("dps_norm"),
        "dps_norm_min": mean("dps_norm_min"),
        "dps_norm_max": mean("dps_norm_max"),
        "dps_ci": _bootstrap_ci(tasks, confidence, seed),
        "confidence": confidence,
        # tasks per correctness gate (GATES; task lines from before it was recorded: none)
        "correctness": dict(Counter(str(t["correctness"]) for t in tasks if t.get("correctness"))),
        "backend": header.get("backend"),
        "metric": header.get("metric"),
        "dataset": header.get("dataset"),
        "machine": header.get("machine"),
        "perfcount": header.get("perfcount"),
    }
    return out


def _task_summaries(tasks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Task lines with a score → ``perfcount.dpe.aggregate.TaskSummary`` (for CI and comparisons)."""
    from perfcount.dpe.aggregate import TaskSummary

    return {
        t["task_id"]: TaskSummary(
            task_id=t["task_id"],
            n_samples=int(t["n_samples"]),
            n_passed=int(t["n_passed"]),
            pass_at_1=float(t["pass@1"]),
            dps=float(t["dps"]),
            dps_min=float(t["dps_min"]),
            dps_max=float(t["dps_max"]),
            dps_norm=float(t["dps_norm"]),
            dps_norm_min=float(t["dps_norm_min"]),
            dps_norm_max=float(t["dps_norm_max"]),
        )
        for t in tasks
        if t.get("dps") is not None
    }


def _bootstrap_ci(
    tasks: Sequence[Mapping[str, Any]], confidence: float, seed: int
) -> list[float] | None:
    """Seeded bootstrap (BCa, falling back to percentile) CI of the mean task DPS."""
    from perfcount.dpe.aggregate import bootstrap_ci

    summaries = _task_summaries(tasks)
    if not summaries:
        return None
    ci = bootstrap_ci(summaries, metric="dps", confidence=confidence, seed=seed)
    return [float(ci.low), float(ci.high)]  # type: ignore[arg-type]


def default_workers() -> int:
    """Worker processes an evaluation uses by default: this machine's cores - 1, at least 1."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, n - 1)


def evaluate(
    samples: str | os.PathLike[str] | Iterable[Mapping[str, Any]],
    dataset: str | os.PathLike[str] | Dataset | None = DEFAULT_DATASET,
    *,
    workers: int | None = None,
    executor: Any = None,
    output: str | os.PathLike[str] | None = None,
    resume: bool = True,
    overwrite: bool = False,
    backend: str = "auto",
    min_correct: int = DEFAULT_MIN_CORRECT,
    max_profile: int | None = DEFAULT_MAX_PROFILE,
    timeout: float | None = None,
    memory_mb: int | None = None,
    tasks: Iterable[str] | None = None,
    cache: bool = True,
    progress: bool | Reporter = True,
    match: str = "inclusive",
    tolerance: float | None = None,
    preset: str | None = None,
    plus_tests: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | PlusTests | None = None,
    limit: str = "instructions",
    switch_interval: float | None = None,
) -> Evaluation:
    """Evaluate samples (JSONL path or list of dicts) on a dataset with DPE.

    Every sample is checked for correctness; the first ``max_profile`` correct
    samples of each task are profiled when the task has at least
    ``min_correct`` correct ones (EvalPerf's gate; defaults 1 and 10 as in the
    paper). One task is the unit of work (:func:`evaluate_task`), run on
    ``workers`` processes (default: cores − 1, at least 1; 1 runs in this
    process) or submitted to ``executor`` (anything with ``submit`` returning
    futures with ``add_done_callback``/``result``, e.g. a ProcessPoolExecutor
    or a ``distributed.Client``).

    ``output``: results JSONL, appended as each task finishes. Default for a
    samples *file* is ``<samples stem>.results.jsonl`` next to it; for samples
    given as a list, no file unless ``output`` is set. ``resume=True``
    continues that file (skipping finished tasks, repairing a torn tail) when
    it belongs to the same run, and refuses a different run's file;
    ``resume=False`` refuses an existing file unless ``overwrite=True``.
    ``tasks`` restricts the run to those task ids. ``match``/``tolerance``:
    the tie rule, as in :func:`score`; it is recorded in the results header,
    and runs under different rules are neither resumed nor compared.
    ``limit``: how a candidate's time limit is decided (:data:`LIMITS`): by
    default an instruction budget where the backend counts instructions
    (the same verdict under any load; qemu stops the candidate there), or
    ``"wall"``, EvalPerf's wall-clock limit only; recorded in the header.
    ``switch_interval``: the Python candidates' ``sys.setswitchinterval``
    (default ``sandbox.GIL_SWITCH_INTERVAL``: threads switch only where they
    block, so a threaded candidate's count does not drift with the clock;
    0.005 is Python's own); recorded in the header when given.
    ``preset="evalperf"`` takes EvalPlus's defaults (``min_correct=10``,
    ``max_profile=20``, inclusive matching, ``limit="wall"``, Python's own
    switch interval) for numbers comparable with its published ones; the
    header records the preset.

    ``plus_tests``: EvalPlus's HumanEval+/MBPP+ files (a path, a folder
    holding them, several paths, or a loaded
    :class:`~perfcount.dpe.plustests.PlusTests`). The tasks they cover are
    checked as EvalPerf checks them (gate ``"plus-tests"``: base+plus inputs,
    the canonical solution's outputs, EvalPlus's tolerance and oracles); the
    others on their ``tests`` or the references' outputs. Each task line's
    ``correctness`` names its gate; the header's ``config.plus_tests`` the
    files (name and sha256). EvalPerf's gate is the ``evalperf`` preset's, so
    use both for its numbers.
    """
    if preset is not None:
        if preset not in PRESETS:
            raise InvalidArgument(
                f"unknown preset {preset!r}", hint="presets: " + ", ".join(sorted(PRESETS))
            )
        chosen = PRESETS[preset]
        min_correct, max_profile, match, limit, switch_interval = (
            chosen["min_correct"],
            chosen["max_profile"],
            chosen["match"],
            chosen["limit"],
            chosen["switch_interval"],
        )
    from perfcount.dpe.results import ResultsWriter, read_results

    ds = _load_dataset(dataset)
    ds_name = getattr(ds, "name", None)
    ds_version = _str_or_none(getattr(ds, "version", None))
    all_samples = load_samples(samples, known_tasks=ds.keys())
    samples_path = str(samples) if isinstance(samples, (str, os.PathLike)) else None
    if output is None and samples_path is not None:
        output = default_output(samples_path)
    selected: set[str] | None = None
    if tasks is not None:
        selected = set(tasks)
        for tid in sorted(selected):
            if tid not in ds:
                raise InvalidArgument(_unknown_task(tid, ds, f" in --tasks (dataset {ds_name!r})"))
    by_task: dict[str, list[dict[str, Any]]] = {}
    for s in all_samples:
        if selected is None or s["task_id"] in selected:
            by_task.setdefault(s["task_id"], []).append(s)
    for tid in by_task:
        _check_has_references(ds[tid])
    early_notes: list[str] = []
    plus_cfg, plus_files = _plus_configs(plus_tests, ds, by_task, early_notes)
    if plus_tests is None and preset and PRESETS[preset].get("correctness") == "plus-tests":
        early_notes.append(
            f"preset {preset}: no plus tests given, so correctness is checked on each task's "
            "tests or the references' outputs, not on EvalPlus's base+plus inputs "
            "(pass plus_tests= / --plus-tests PATH with HumanEval+/MBPP+ for its gate)"
        )

    backend_name, metric, reason = resolve_backend(backend)
    machine, fp = _machine(backend_name)
    config = make_config(
        backend=backend_name,
        timeout=timeout,
        memory_mb=memory_mb,
        min_correct=min_correct,
        max_profile=max_profile,
        cache=cache,
        dataset=ds_name,
        dataset_version=ds_version,
        match=match,
        tolerance=tolerance,
        limit=limit,
        switch_interval=switch_interval,
    )
    header = {
        "perfcount": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dataset": {"name": ds_name, "version": ds_version},
        "backend": backend_name,
        "backend_reason": reason,
        "metric": metric,
        "config": {
            "min_correct": min_correct,
            "max_profile": max_profile,
            "timeout": timeout,
            "memory_mb": memory_mb,
            "match": config["match"],
            "tolerance": tolerance,
            "preset": preset,
            "limit": config["limit"],
            # only when given: files from before the option resume as they are
            **({"plus_tests": plus_files} if plus_files is not None else {}),
            **({"switch_interval": switch_interval} if switch_interval is not None else {}),
        },
        "samples": samples_path,
        "samples_sha256": content_hash([{k: v for k, v in s.items()} for s in all_samples]),
        "machine": machine,
        "fingerprint": fp,
    }
    writer = None
    notes: list[str] = list(early_notes)
    if output is not None:
        writer = ResultsWriter(output, header, resume=resume, overwrite=overwrite)
        notes.extend(writer.notes)
        header = writer.header
    for note in notes:
        print(f"perfcount: {note}", file=sys.stderr)
    done = writer.done if writer is not None else set()
    todo = [(tid, s) for tid, s in by_task.items() if tid not in done]
    new_lines: list[list[dict[str, Any]]] = []
    try:
        _run_tasks(
            ds,
            todo,
            lambda tid: {**config, "plus": plus_cfg[tid]} if tid in plus_cfg else config,
            workers=workers,
            executor=executor,
            on_result=lambda lines: _record(lines, writer, new_lines),
            progress=progress,
            plan=ProgressPlan(
                "evaluate",
                len(by_task),
                len(done & set(by_task)),
                samples=sum(map(len, by_task.values())),
                samples_completed=sum(len(by_task[t]) for t in done & set(by_task)),
            ),
        )
    finally:
        if writer is not None:
            writer.close()
    if output is not None:
        data = read_results(output)
        wanted = set(by_task)
        ev = Evaluation(
            data.header,
            [s for s in data.samples if s["task_id"] in wanted],
            [t for t in data.tasks if t["task_id"] in wanted],
            str(output),
            notes + data.notes,
        )
    else:
        flat_samples = [ln for group in new_lines for ln in group[:-1]]
        ev = Evaluation(
            {"kind": "header", **header}, flat_samples, [g[-1] for g in new_lines], None, notes
        )
    return ev


def _plus_configs(
    plus_tests: Any, ds: Mapping[str, Task], by_task: Mapping[str, Any], notes: list[str]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]] | None]:
    """Per task id, the plus tests ``evaluate_task`` gets (input rule applied); the files
    as the header records them (None without plus tests)."""
    if plus_tests is None:
        return {}, None
    plus = plus_tests if isinstance(plus_tests, PlusTests) else load_plus_tests(plus_tests)
    out: dict[str, dict[str, Any]] = {}
    for tid in by_task:
        pt, task = plus.get(tid), ds[tid]
        if pt is None or kind_of(task).name != "python":
            continue
        if pt.entry_point != task.entry_point:
            raise DatasetError(
                f"the plus tests of {tid} call {pt.entry_point!r} but the dataset's task "
                f"calls {task.entry_point!r}",
                path=pt.path or None,
                line=pt.line or None,
                field="entry_point",
                hint="pass the HumanEval+/MBPP+ files of the benchmark this dataset comes from",
            )
        out[tid] = pt.for_input_rule(getattr(task, "input_rule", None)).to_dict()
    if len(out) < len(by_task):
        notes.append(
            f"plus tests cover {len(out)} of the {len(by_task)} tasks evaluated; the others are "
            "checked on their tests or the references' outputs (each task line's "
            "'correctness' says which)"
        )
    return out, plus.describe()


def _task_status(line: Mapping[str, Any]) -> str:
    """``4 samples, 3 passed, DPS 62.5`` for a finished task line (the progress status)."""
    n = line.get("n_samples")
    text = f"{n} sample{'' if n == 1 else 's'}, {line.get('n_passed')} passed"
    dps = line.get("dps")
    return text if dps is None else f"{text}, DPS {float(dps):.1f}"


def _advance(advance: Any, lines: list[dict[str, Any]]) -> None:
    last = lines[-1]
    advance(last["task_id"], _task_status(last), last, last.get("elapsed_s"))


def _record(
    lines: list[dict[str, Any]], writer: Any, collected: list[list[dict[str, Any]]]
) -> None:
    if writer is None or writer.write_task(lines):
        collected.append(lines)


def _run_tasks(
    ds: Mapping[str, Task],
    todo: list[tuple[str, list[dict[str, Any]]]],
    config_for: Callable[[str], dict[str, Any]],
    *,
    workers: int | None,
    executor: Any,
    on_result: Callable[[list[dict[str, Any]]], None],
    progress: bool | Reporter,
    plan: ProgressPlan,
) -> None:
    with reporter(progress, plan) as advance, contextlib.ExitStack() as stack:
        if not todo:
            return
        n_workers = workers if workers is not None else default_workers()
        if n_workers < 1:
            raise InvalidArgument("workers must be ≥ 1")
        # per-sample progress messages, when someone listens
        send = advance.event if advance.wants_events else None
        if executor is None and n_workers == 1:
            # in this process: one warm runner per kind of task (one fork server for all
            # Python tasks)
            with RunnerPool() as runners:
                for tid, samples in todo:
                    lines = evaluate_task(
                        ds[tid], samples, config_for(tid), runners=runners, progress=send
                    )
                    on_result(lines)
                    _advance(advance, lines)
            return
        own = executor is None
        submit: Callable[..., Any]
        if not own:
            # a bare distributed.Client gets retries, pure=False and per-task keys
            from perfcount.pipeline.distributed import as_executor

            executor = as_executor(executor)
            forward = getattr(executor, "forward_progress", None)
            if send is not None and forward is not None:  # Dask: through its event log
                stack.enter_context(forward(send))
            submit = executor.submit
        else:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            pool_kw: dict[str, Any] = {}
            if send is not None:  # pool workers: through a queue
                worker_queue = _progress.WorkerQueue(ctx, send)
                stack.callback(worker_queue.close)
                pool_kw = {
                    "initializer": worker_queue.initializer,
                    "initargs": worker_queue.initargs,
                }
            executor = cf.ProcessPoolExecutor(
                max_workers=min(n_workers, len(todo)), mp_context=ctx, **pool_kw
            )
            pool = executor

            def submit(fn: Callable[..., Any], *args: Any) -> Any:
                if send is None:
                    return pool.submit(fn, *args)
                return pool.submit(_progress.call_with_progress, fn, *args)

        finished: queue.Queue[Any] = queue.Queue()
        futures = []
        try:
            for tid, samples in todo:
                fut = submit(evaluate_task, ds[tid], samples, config_for(tid))
                fut.add_done_callback(finished.put)
                futures.append(fut)
            for _ in range(len(futures)):
                fut = finished.get()
                lines = fut.result()  # a worker error propagates; finished tasks are saved
                on_result(lines)
                _advance(advance, lines)
        except BaseException:
            for fut in futures:
                fut.cancel()
            if own:
                # do not wait for tasks in flight (Ctrl-C, a failed task): finished ones are saved
                executor.shutdown(wait=False, cancel_futures=True)
            raise
        if own:
            executor.shutdown(wait=True)


# --------------------------------------------------------------------------
# compare


def match_rule(header: Mapping[str, Any]) -> str:
    """The tie rule a results header records (files before the rule was recorded: strict)."""
    return str((header.get("config") or {}).get("match") or "strict")


def compare(
    a: Evaluation | str | os.PathLike[str], b: Evaluation | str | os.PathLike[str]
) -> dict[str, Any]:
    """Pairwise comparison of two runs over the tasks both passed (scored).

    Refuses runs whose backend, metric, dataset or tie rule differ (their
    scores are not comparable). Per common task the mean DPS is compared:
    ``wins`` (a > b), ``ties``, ``losses`` and their rates, and the mean DPS /
    DPS_norm of each run on that common set
    (:func:`perfcount.dpe.compare.two_run_comparison`, which also reads EvalPlus files).
    """
    from perfcount.dpe.compare import run_from_results, two_run_comparison

    def run(x: Evaluation | str | os.PathLike[str]) -> Any:
        ev = x if isinstance(x, Evaluation) else Evaluation.load(x)
        return run_from_results(ev.header, ev.samples, ev.tasks, path=ev.path, notes=ev.notes)

    return two_run_comparison(run(a), run(b))
