"""perfcount: count what code does, and score it against reference solutions.

The public API lives here; submodules load lazily on first use, so
``import perfcount`` stays cheap (it is imported by every fork-server worker)
and the pure-Python DPE parts work even where the native extension is absent.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

from perfcount._version import __version__
from perfcount.errors import (
    BackendError,
    CandidateError,
    CounterUnavailable,
    DatasetError,
    GpuError,
    InvalidArgument,
    PerfcountError,
    PermissionDenied,
)

# Running from a source checkout (e.g. `python -m perfcount` in the repository)
# imports this directory first; extend the package path so the compiled
# `_native` module and shipped `_datasets` of the installed copy are found too.
__path__ = pkgutil.extend_path(__path__, __name__)

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "measure": "perfcount.counters",
    "count": "perfcount.counters",
    "Counts": "perfcount.counters",
    "CountSummary": "perfcount.counters",
    "run": "perfcount.process",
    "ProcessResult": "perfcount.process",
    "info": "perfcount.machine",
    "cluster": "perfcount.clustering",
    "Cluster": "perfcount.clustering",
    "ReferenceSet": "perfcount.scoring",
    "Score": "perfcount.scoring",
    "ScoreResult": "perfcount.scoring",
    "load_dataset": "perfcount.datasets",
    "Dataset": "perfcount.datasets",
    "Task": "perfcount.datasets",
    "profile": "perfcount.runner",
    "check": "perfcount.runner",
    "Profile": "perfcount.runner",
    "Check": "perfcount.runner",
    "score": "perfcount.evaluation",
    "evaluate": "perfcount.evaluation",
    "Evaluation": "perfcount.evaluation",
    "curate": "perfcount.curation",
    # `%load_ext perfcount` looks these up on the package
    "load_ipython_extension": "perfcount.ipython",
    "unload_ipython_extension": "perfcount.ipython",
}

__all__ = [
    "BackendError",
    "CandidateError",
    "CounterUnavailable",
    "DatasetError",
    "GpuError",
    "InvalidArgument",
    "PerfcountError",
    "PermissionDenied",
    "__version__",
    *_EXPORTS,
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'perfcount' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from perfcount.clustering import Cluster, cluster
    from perfcount.counters import Counts, CountSummary, count, measure
    from perfcount.curation import curate
    from perfcount.datasets import Dataset, Task, load_dataset
    from perfcount.evaluation import Evaluation, evaluate, score
    from perfcount.ipython import load_ipython_extension, unload_ipython_extension
    from perfcount.machine import info
    from perfcount.process import ProcessResult, run
    from perfcount.runner import Check, Profile, check, profile
    from perfcount.scoring import ReferenceSet, Score, ScoreResult
