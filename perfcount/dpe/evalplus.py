"""EvalPlus interoperability: MBPP input rules, and EvalPlus's evalperf result files.

**Input rules.** EvalPlus stores every input as JSON, which has no tuples, sets
or complex numbers, and turns the inputs of many MBPP tasks back into the
types their functions expect when it loads them (``mbpp_deserialize_inputs``;
EvalPerf profiles ``pe_input[0]`` after it). Without that step a correct
solution can fail: Mbpp/106's usual answer ``return tuple(list(b) + a)`` gets
``b`` as a list instead of a tuple and ``list + tuple`` raises TypeError.

Here that step is a *documented rule stored with the task*: the dataset column
``input_rule`` names one of :data:`RULES` (e.g. ``"evalplus-mbpp:tuple_each_arg"``).
:func:`perfcount.dpe.datasets.load_dataset` derives it for EvalPerf-layout rows
``Mbpp/N`` (:func:`rule_for_task`) and applies it to every argument list of
``pe_input`` and ``tests``; the converted values are stored in
:mod:`perfcount._util.plain` encoding (``{"$tuple": [...]}``), so runners get
plain Python values and need no special case. Every rule is idempotent (it
accepts its own output), so a dataset written with its converted inputs and
its ``input_rule`` reads back to the same values.

The rules, by MBPP task number (the same table as EvalPlus 0.3.1; each rule
maps one argument list to the argument list the function is called with):

======================================  =============================================
rule                                    MBPP tasks
======================================  =============================================
``tuple_each_arg``                      2 116 132 143 222 261 273 394 399 421 424 429
                                        470 560 579 596 616 630 726 740 744 809
``tuples_in_each_arg``                  63 64 70 94 120 237 272 299 400 409 417 438
                                        473 614 780
``tuples_in_first_arg``                 75 413 444 753
``tuple_second_arg``                    106 750
``sets_in_first_arg``                   115
``float_complex``                       124
``tuple_first_arg``                     250 307 405 446 617 720 763 808
``tuple_of_tuples_each_arg``            259 401 445
``tuple_first_arg_items_tuples``        278
``tuple_dict_values_first_arg``         722
``complex_arg``                         252
``tuple_all_lists``                     580 615 791
======================================  =============================================

(each rule's docstring says what it does.) Two things differ from EvalPlus in
form, not in effect: the argument list itself stays a list (EvalPlus makes it
a tuple for 124 and 580/615/791; either is splatted into the call), and
arguments a rule does not mention are kept (EvalPlus rebuilds the list from
the arguments these tasks have). ``sets_in_first_arg`` reproduces an EvalPlus
quirk on purpose: an *empty* item becomes ``{}``, an empty **dict**, not
``set()``; that is what the published EvalPerf numbers were measured with.

**Result files.** EvalPlus's ``evalperf`` writes ``<samples>_evalperf_results.json``
(every sample with its solution, references with their instruction counts) and
``<samples>_evalperf_results.brief.json`` (per task DPS, DPS_norm, pass@1 and
the profiled solutions). :func:`write_evalplus` writes both from a perfcount
results file; :func:`read_evalplus` reads either into a
:class:`~perfcount.dpe.compare.Run`, the form ``compare`` works on.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfcount._util.atomic import write_atomic
from perfcount.dpe.compare import (
    EVALPLUS_BRIEF,
    EVALPLUS_RESULTS,
    Run,
    SampleRun,
    TaskRun,
    run_name,
)
from perfcount.errors import DatasetError

if TYPE_CHECKING:  # pragma: no cover
    from perfcount.dpe.results import ResultsData

__all__ = [
    "BRIEF_SUFFIX",
    "RESULTS_SUFFIX",
    "RULES",
    "RULE_PREFIX",
    "InputRule",
    "apply_rule",
    "brief_from_results",
    "evalplus_from_results",
    "evalplus_kind",
    "evalplus_paths",
    "read_evalplus",
    "rule_for_task",
    "run_from_evalplus",
    "write_evalplus",
]

RULE_PREFIX = "evalplus-mbpp:"


# ------------------------------------------------------------------ the conversions


def _tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return tuple(value)


def _items_to_tuples(value: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list of lists, got {type(value).__name__}")
    return [_tuple(item) for item in value]


def _all_lists_to_tuples(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_all_lists_to_tuples(v) for v in value)
    return value


def _first(args: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    if not args:
        raise TypeError("expected at least one argument")
    return [convert(args[0]), *args[1:]]


def _tuple_each_arg(args: list[Any]) -> list[Any]:
    """Each argument (a list) becomes a tuple."""
    return [_tuple(a) for a in args]


def _tuples_in_each_arg(args: list[Any]) -> list[Any]:
    """Each argument is a list of lists; it becomes a list of tuples."""
    return [_items_to_tuples(a) for a in args]


def _tuples_in_first_arg(args: list[Any]) -> list[Any]:
    """The first argument's items (lists) become tuples; the other arguments are unchanged."""
    return _first(args, _items_to_tuples)


def _tuple_second_arg(args: list[Any]) -> list[Any]:
    """The second argument becomes a tuple; the others are unchanged."""
    if len(args) < 2:
        raise TypeError(f"expected at least two arguments, got {len(args)}")
    return [args[0], _tuple(args[1]), *args[2:]]


def _set_or_empty_dict(item: Any) -> Any:
    if isinstance(item, (str, bytes)) or not isinstance(item, Iterable):
        raise TypeError(f"expected a list, got {type(item).__name__}")
    return set(item) if len(item) > 0 else {}  # EvalPlus: an empty item is {} (a dict)


def _sets_in_first_arg(args: list[Any]) -> list[Any]:
    """The first argument's items become sets; an EMPTY item becomes ``{}``, an empty dict.

    (EvalPlus's quirk, kept so that scores match the published ones.)
    """
    return _first(args, lambda a: [_set_or_empty_dict(x) for x in _listish(a)])


def _float_complex(args: list[Any]) -> list[Any]:
    """The two arguments become ``float(a0), complex(a1)`` (a1 may be a string such as ``"1j"``)."""
    if len(args) != 2:
        raise TypeError(f"expected two arguments, got {len(args)}")
    return [float(args[0]), complex(args[1])]


def _tuple_first_arg(args: list[Any]) -> list[Any]:
    """The first argument becomes a tuple; the others are unchanged."""
    return _first(args, _tuple)


def _tuple_of_tuples_each_arg(args: list[Any]) -> list[Any]:
    """Each argument is a list of lists; it becomes a tuple of tuples."""
    return [tuple(_items_to_tuples(a)) for a in args]


def _tuple_first_arg_items_tuples(args: list[Any]) -> list[Any]:
    """The first argument becomes a tuple of its items, items that are lists becoming tuples."""
    return _first(
        args,
        lambda a: tuple(tuple(x) if isinstance(x, (list, tuple)) else x for x in _listish(a)),
    )


def _tuple_dict_values_first_arg(args: list[Any]) -> list[Any]:
    """The first argument is a dict; its values become tuples. The others are unchanged."""

    def convert(d: Any) -> dict[Any, Any]:
        if not isinstance(d, dict):
            raise TypeError(f"expected a dict, got {type(d).__name__}")
        return {k: _tuple(v) for k, v in d.items()}

    return _first(args, convert)


def _complex_arg(args: list[Any]) -> list[Any]:
    """The (single) argument becomes ``complex(a0)`` (a string such as ``"1+2j"`` or a number)."""
    return _first(args, complex)


def _tuple_all_lists(args: list[Any]) -> list[Any]:
    """Every list inside every argument, at any depth, becomes a tuple."""
    return [_all_lists_to_tuples(a) for a in args]


def _listish(value: Any) -> Sequence[Any]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class InputRule:
    """One input rule: ``id`` (``"evalplus-mbpp:<name>"``), the MBPP task numbers it
    belongs to, what it does (``doc``) and the conversion of one argument list."""

    name: str
    tasks: tuple[int, ...]
    convert: Callable[[list[Any]], list[Any]]

    @property
    def id(self) -> str:
        return RULE_PREFIX + self.name

    @property
    def doc(self) -> str:
        return " ".join((self.convert.__doc__ or "").split())

    def __call__(self, args: Sequence[Any]) -> list[Any]:
        return self.convert(list(args))


# rule -> MBPP task numbers (the table in the module docstring)
_TABLE: tuple[tuple[Callable[[list[Any]], list[Any]], str], ...] = (
    (
        _tuple_each_arg,
        "2 116 132 143 222 261 273 394 399 421 424 429 470 560 579 596 616 630 726 740 744 809",
    ),
    (_tuples_in_each_arg, "63 64 70 94 120 237 272 299 400 409 417 438 473 614 780"),
    (_tuples_in_first_arg, "75 413 444 753"),
    (_tuple_second_arg, "106 750"),
    (_sets_in_first_arg, "115"),
    (_float_complex, "124"),
    (_tuple_first_arg, "250 307 405 446 617 720 763 808"),
    (_tuple_of_tuples_each_arg, "259 401 445"),
    (_tuple_first_arg_items_tuples, "278"),
    (_tuple_dict_values_first_arg, "722"),
    (_complex_arg, "252"),
    (_tuple_all_lists, "580 615 791"),
)

RULES: dict[str, InputRule] = {}
_BY_TASK: dict[int, InputRule] = {}
for _convert, _tasks in _TABLE:
    _rule = InputRule(_convert.__name__.lstrip("_"), tuple(map(int, _tasks.split())), _convert)
    RULES[_rule.id] = _rule
    for _n in _rule.tasks:
        assert _n not in _BY_TASK, _n  # one rule per task
        _BY_TASK[_n] = _rule
del _convert, _tasks, _rule, _n

_MBPP_ID = re.compile(r"Mbpp/(\d+)")


def rule_for_task(task_id: str) -> InputRule | None:
    """The input rule EvalPlus applies to ``Mbpp/N`` (None for other ids and other numbers)."""
    m = _MBPP_ID.fullmatch(task_id)
    return _BY_TASK.get(int(m.group(1))) if m else None


def apply_rule(rule_id: str, args: Sequence[Any]) -> list[Any]:
    """One argument list converted by the rule ``rule_id``.

    Raises ``KeyError`` for an unknown rule, ``TypeError``/``ValueError`` when the
    arguments do not have the shape the rule expects.
    """
    return RULES[rule_id](args)


# ------------------------------------------------------------------ EvalPlus result files

RESULTS_SUFFIX = "_evalperf_results.json"
BRIEF_SUFFIX = "_evalperf_results.brief.json"
# what EvalPlus counts (perf's CPU instructions): the metric of its own files
EVALPLUS_METRIC = "instructions"


def evalplus_kind(obj: Any) -> str | None:
    """``"evalplus-results"``, ``"evalplus-brief"`` or ``None`` for a parsed JSON value.

    Also accepts the bare ``{task_id: {...}}`` mapping early EvalPlus versions wrote.
    """
    if not isinstance(obj, dict):
        return None
    evals = _evals(obj)
    if evals is None:
        return None
    entries = [v for v in evals.values() if isinstance(v, dict)]
    if any("results" in v for v in entries):
        return EVALPLUS_RESULTS
    if any("profiled" in v for v in entries) or "summary" in obj or "config" in obj:
        return EVALPLUS_BRIEF
    return EVALPLUS_RESULTS if "n_samples" in obj else None


def _evals(obj: dict[str, Any]) -> dict[str, Any] | None:
    evals = obj.get("eval")
    if isinstance(evals, dict):
        return evals
    if obj and all(isinstance(v, dict) and "results" in v for v in obj.values()):
        return obj  # EvalPlus before 0.3: the per-task mapping itself
    return None


def read_evalplus(path: str | os.PathLike[str], *, name: str | None = None) -> Run:
    """An EvalPlus ``*_evalperf_results.json`` or ``.brief.json`` file as a :class:`Run`."""
    p = str(path)
    try:
        blob = Path(p).read_bytes()
    except FileNotFoundError:
        raise DatasetError("results file not found", path=p) from None
    except IsADirectoryError:
        raise DatasetError("is a directory, not a results file", path=p) from None
    try:
        obj = json.loads(blob)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DatasetError(
            f"neither a perfcount results file nor EvalPlus JSON ({type(exc).__name__}: {exc})",
            path=p,
            hint="compare reads perfcount results JSONL and EvalPlus "
            "*_evalperf_results.json / *_evalperf_results.brief.json",
        ) from None
    return run_from_evalplus(obj, name=name or run_name(p), path=p)


def run_from_evalplus(obj: Any, *, name: str, path: str | None = None) -> Run:
    """A parsed EvalPlus results or brief object as a :class:`Run` (errors name ``path: field``)."""

    def bad(fld: str | None, message: str) -> DatasetError:
        return DatasetError(message, path=path, field=fld)

    kind = evalplus_kind(obj)
    if kind is None:
        raise DatasetError(
            "not an EvalPlus evalperf results or brief file "
            '(expected an object with "eval": {task_id: {...}})',
            path=path,
        )
    evals = _evals(obj)
    assert evals is not None
    config = obj.get("config") if kind == EVALPLUS_BRIEF else obj
    config = config if isinstance(config, dict) else {}
    settings = {
        k: config.get(k)
        for k in ("n_samples", "temperature", "min_correct", "max_profile")
        if k in config
    }
    n_samples = settings.get("n_samples")
    tasks: dict[str, TaskRun] = {}
    for tid, entry in evals.items():
        where = f"eval.{tid}"
        if not isinstance(entry, dict):
            raise bad(where, f"must be an object, got {type(entry).__name__}")
        dps = _score(entry.get("dps"), f"{where}.dps", bad)
        dps_norm = _score(entry.get("dps_norm"), f"{where}.dps_norm", bad)
        p1 = _score(entry.get("pass@1"), f"{where}.pass@1", bad)
        if kind == EVALPLUS_RESULTS:
            results = entry.get("results") or []
            if not isinstance(results, list):
                raise bad(f"{where}.results", "must be a list")
            samples = tuple(
                _sample(r, i, f"{where}.results[{i}]", bad) for i, r in enumerate(results)
            )
            n_passed: int | None = sum(bool(s.passed) for s in samples)
            n = len(samples)
            if p1 is None and n:
                p1 = 100.0 * n_passed / n  # type: ignore[operator]
            n_profiled = entry.get("n_profiled")
            if n_profiled is None and dps is not None:
                n_profiled = sum(s.profiled for s in samples)
        else:
            profiled = entry.get("profiled") or []
            if not isinstance(profiled, list):
                raise bad(f"{where}.profiled", "must be a list")
            samples = tuple(
                SampleRun(
                    solution=r.get("solution") if isinstance(r, dict) else None,
                    passed=True,
                    profiled=True,
                    cluster=r.get("matching_cluster_idx") if isinstance(r, dict) else None,
                )
                for r in profiled
            )
            n = n_samples if isinstance(n_samples, int) else None
            n_passed = None if n is None or p1 is None else round(p1 * n / 100)
            n_profiled = len(samples) if dps is not None else None
        tasks[str(tid)] = TaskRun(
            task_id=str(tid),
            dps=dps,
            dps_norm=dps_norm,
            pass_at_1=p1,
            n_samples=n,
            n_passed=n_passed,
            n_profiled=n_profiled,
            samples=samples,
        )
    meta = obj.get("perfcount") if isinstance(obj.get("perfcount"), dict) else {}
    return Run(
        name=name,
        tasks=tasks,
        kind=kind,
        path=path,
        # EvalPlus's own files say nothing of the machine; they count CPU instructions
        backend=meta.get("backend"),
        metric=meta.get("metric", EVALPLUS_METRIC),
        dataset=meta.get("dataset"),
        config=settings,
        header={k: v for k, v in obj.items() if k != "eval"} if obj is not evals else {},
    )


def _score(v: Any, fld: str, bad: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise bad(fld, f"must be a number or null, got {v!r}")
    return float(v)


def _sample(r: Any, i: int, where: str, bad: Any) -> SampleRun:
    if not isinstance(r, dict):
        raise bad(where, f"must be an object, got {type(r).__name__}")
    dps = _score(r.get("dps"), f"{where}.dps", bad)
    profiled = r.get("profiled")
    if profiled is None:  # before 0.3: every scored result was profiled
        profiled = dps is not None
    return SampleRun(
        solution=r.get("solution"),
        passed=bool(r.get("pass")),
        profiled=bool(profiled),
        cluster=r.get("matching_cluster_idx"),
        dps=dps,
        dps_norm=_score(r.get("dps_norm"), f"{where}.dps_norm", bad),
        cost=_score(r.get("_num_cpu_instructions"), f"{where}._num_cpu_instructions", bad),
        sample=i,
    )


# ------------------------------------------------------------------ writing them


def evalplus_paths(
    results_path: str | os.PathLike[str], prefix: str | os.PathLike[str] | None = None
) -> tuple[Path, Path]:
    """Where :func:`write_evalplus` writes: ``<prefix>_evalperf_results.json`` and ``.brief.json``.

    ``prefix`` defaults to the results path without ``.results.jsonl`` (or ``.jsonl``),
    which is EvalPlus's ``<samples>`` for a results file named after its samples.
    """
    if prefix is None:
        text = str(results_path)
        for suffix in (".results.jsonl", ".jsonl"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
    else:
        text = str(prefix)
        for suffix in (BRIEF_SUFFIX, RESULTS_SUFFIX):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
    return Path(text + RESULTS_SUFFIX), Path(text + BRIEF_SUFFIX)


def _order(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def _date(created: Any) -> str:
    """perfcount's ``2026-12-01T23:14:07Z`` as EvalPlus's ``2026-12-01 23:14``."""
    if isinstance(created, str):
        try:
            return datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return created
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def evalplus_from_results(
    results: ResultsData | str | os.PathLike[str],
    *,
    solutions: Mapping[int, str] | None = None,
    dataset: Mapping[str, Any] | None = None,
    temperature: float | None = None,
) -> dict[str, Any]:
    """A perfcount results file as EvalPlus's ``*_evalperf_results.json`` object.

    ``solutions`` maps a sample's number (its ``sample`` field: its 0-based
    line in the samples file) to its source; ``dataset`` (task_id -> Task)
    gives the reference sources. Both are optional: what is missing is
    ``null``. Sample and task values follow EvalPlus: a sample that did not pass
    or was not profiled has ``profiled: false`` and ``null`` scores; a passing
    sample whose profile failed has cluster -1 and DPS 0 (EvalPlus's
    "regarded as 0 score"); ``_num_cpu_instructions`` is the cost when the
    metric is ``instructions`` (otherwise ``null``; the cost is in ``_cost``).
    A top-level ``perfcount`` object records backend, metric and dataset.
    """
    from perfcount.dpe.results import read_results

    data = results if not isinstance(results, (str, os.PathLike)) else read_results(results)
    header = data.header
    metric = header.get("metric")
    instructions = metric == EVALPLUS_METRIC
    config = header.get("config") or {}
    by_task: dict[str, list[dict[str, Any]]] = {}
    for s in sorted(data.samples, key=lambda s: (_order(s.get("sample")), s["task_id"])):
        by_task.setdefault(s["task_id"], []).append(s)
    rank = {tid: i for i, tid in enumerate(by_task)}
    evals: dict[str, Any] = {}
    for t in sorted(data.tasks, key=lambda t: rank.get(t["task_id"], len(rank))):
        tid = t["task_id"]
        rows = []
        for s in by_task.get(tid, []):
            passed = bool(s.get("passed"))
            profiled = passed and s.get("dps") is not None
            cost = s.get("cost") if profiled else None
            row: dict[str, Any] = {
                "solution": None if solutions is None else solutions.get(s.get("sample")),  # type: ignore[arg-type]
                "pass": passed,
                "profiled": profiled,
                "matching_cluster_idx": s.get("cluster") if profiled else None,
                "dps": s.get("dps") if profiled else None,
                "dps_norm": s.get("dps_norm") if profiled else None,
                "_num_cpu_instructions": cost if instructions else None,
            }
            if not instructions:
                row["_cost"] = cost
            rows.append(row)
        task = dataset.get(tid) if dataset is not None else None
        sources = list(getattr(task, "reference", ()) or ())
        stored = list(getattr(task, "scores", ()) or ())
        measured = {r.get("index"): r for r in (t.get("references") or []) if isinstance(r, dict)}
        n_refs = max(len(sources), len(measured), len(stored))
        ref = []
        for i in range(n_refs):
            m = measured.get(i) or {}
            score = m.get("score", stored[i] if i < len(stored) else None)
            cost = m.get("cost")
            entry = {
                "solution": sources[i] if i < len(sources) else None,
                "score": score,
                "_num_cpu_instructions": cost if instructions else None,
            }
            if not instructions:
                entry["_cost"] = cost
            ref.append(entry)
        scored = t.get("dps") is not None
        evals[tid] = {
            "task_id": tid,
            "results": rows,
            "ref": ref,
            "dps": t.get("dps"),
            "dps_norm": t.get("dps_norm"),
            "pass@1": t.get("pass@1"),
            "n_profiled": t.get("n_profiled") if scored else None,
        }
    counts = [int(t.get("n_samples") or 0) for t in data.tasks]
    return {
        "date": _date(header.get("created")),
        "n_samples": max(counts) if counts else 0,
        "temperature": temperature,
        "min_correct": config.get("min_correct"),
        "max_profile": config.get("max_profile"),
        "eval": evals,
        "perfcount": _provenance(header, data.path),
    }


def _provenance(header: Mapping[str, Any], path: str | None) -> dict[str, Any]:
    return {
        "version": header.get("perfcount"),
        "backend": header.get("backend"),
        "metric": header.get("metric"),
        "dataset": header.get("dataset"),
        "results": path,
        "samples": header.get("samples"),
    }


def _mean_of(values: Iterable[Any]) -> float | None:
    vs = [float(v) for v in values if v is not None]
    return math.fsum(vs) / len(vs) if vs else None


def brief_from_results(full: Mapping[str, Any]) -> dict[str, Any]:
    """EvalPlus's ``.brief.json`` object from a ``*_evalperf_results.json`` object.

    ``summary`` is EvalPerf's: the mean DPS / DPS_norm over tasks that have
    one, the mean pass@1 over all (``null`` when there is nothing to average;
    EvalPlus would fail there).
    """
    evals = full.get("eval") or {}
    out = {
        "date": full.get("date"),
        "config": {
            k: full.get(k) for k in ("n_samples", "temperature", "min_correct", "max_profile")
        },
        "summary": {
            "dps": _mean_of(e.get("dps") for e in evals.values()),
            "dps_norm": _mean_of(e.get("dps_norm") for e in evals.values()),
            "pass@1": _mean_of(e.get("pass@1") for e in evals.values()),
        },
        "eval": {
            tid: {
                "dps": e.get("dps"),
                "dps_norm": e.get("dps_norm"),
                "pass@1": e.get("pass@1"),
                "profiled": [
                    {
                        "solution": r.get("solution"),
                        "matching_cluster_idx": r.get("matching_cluster_idx"),
                    }
                    for r in e.get("results") or []
                    if r.get("profiled")
                ],
            }
            for tid, e in evals.items()
        },
    }
    if "perfcount" in full:
        out["perfcount"] = full["perfcount"]
    return out


def write_evalplus(
    results: ResultsData | str | os.PathLike[str],
    prefix: str | os.PathLike[str] | None = None,
    *,
    solutions: Mapping[int, str] | None = None,
    dataset: Mapping[str, Any] | None = None,
    temperature: float | None = None,
) -> tuple[Path, Path]:
    """Write ``<prefix>_evalperf_results.json`` and ``<prefix>_evalperf_results.brief.json``.

    See :func:`evalplus_from_results` and :func:`evalplus_paths`; both files are
    replaced atomically and written as EvalPlus writes them (compact JSON).
    """
    from perfcount.dpe.results import read_results

    data = results if not isinstance(results, (str, os.PathLike)) else read_results(results)
    full = evalplus_from_results(
        data, solutions=solutions, dataset=dataset, temperature=temperature
    )
    brief = brief_from_results(full)
    full_path, brief_path = evalplus_paths(data.path, prefix)
    write_atomic(full_path, json.dumps(full, allow_nan=False))
    write_atomic(brief_path, json.dumps(brief, allow_nan=False))
    return full_path, brief_path
