"""perfcount: count what code does, and score it against reference solutions.

The public API lives here; submodules load lazily on first use, so
``import perfcount`` stays cheap (it is imported by every fork-server worker)
and the pure-Python DPE parts work even where the native extension is absent.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

from perfcount._util import views as _views
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

# Data classes of the lower layers render through perfcount.report, which they
# may not import: the facade (above every layer) tells them where it is.
_views.set_loader(lambda: importlib.import_module("perfcount.report"))

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "measure": "perfcount.counters.region",
    "count": "perfcount.counters.region",
    "Counts": "perfcount.counters.region",
    "CountSummary": "perfcount.counters.region",
    "run": "perfcount.counters.process",
    "ProcessResult": "perfcount.counters.process",
    "info": "perfcount.execute.info",
    "cluster": "perfcount.dpe.clustering",
    "Cluster": "perfcount.dpe.clustering",
    "ReferenceSet": "perfcount.dpe.scoring",
    "Score": "perfcount.dpe.scoring",
    "ScoreResult": "perfcount.dpe.scoring",
    "load_dataset": "perfcount.dpe.datasets",
    "Dataset": "perfcount.dpe.datasets",
    "Task": "perfcount.dpe.datasets",
    "profile": "perfcount.execute.runner",
    "check": "perfcount.execute.runner",
    "Profile": "perfcount.execute.runner",
    "Check": "perfcount.execute.runner",
    "score": "perfcount.pipeline.evaluation",
    "evaluate": "perfcount.pipeline.evaluation",
    "Evaluation": "perfcount.pipeline.evaluation",
    "curate": "perfcount.pipeline.curation",
    # `%load_ext perfcount` looks these up on the package
    "load_ipython_extension": "perfcount.integrations.ipython",
    "unload_ipython_extension": "perfcount.integrations.ipython",
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
    from perfcount.counters.process import ProcessResult, run
    from perfcount.counters.region import Counts, CountSummary, count, measure
    from perfcount.dpe.clustering import Cluster, cluster
    from perfcount.dpe.datasets import Dataset, Task, load_dataset
    from perfcount.dpe.scoring import ReferenceSet, Score, ScoreResult
    from perfcount.execute.info import info
    from perfcount.execute.runner import Check, Profile, check, profile
    from perfcount.integrations.ipython import load_ipython_extension, unload_ipython_extension
    from perfcount.pipeline.curation import curate
    from perfcount.pipeline.evaluation import Evaluation, evaluate, score
