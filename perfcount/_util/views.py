"""Views (DataFrames, notebook HTML) of the data objects of lower layers.

``Counts``, ``CountSummary``, ``ScoreResult`` and ``Evaluation`` offer
``to_pandas()`` and ``_repr_html_()``, but rendering lives in
:mod:`perfcount.report`, a higher layer that lower layers must not import.
So the data classes ask this registry, ``perfcount.report`` registers its
functions when it is imported, and the package facade (``perfcount/__init__``,
above every layer) installs the loader that imports ``perfcount.report`` the
first time a view is wanted. Nothing here imports a perfcount layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["register", "render", "set_loader"]

_VIEWS: dict[tuple[str, str], Callable[..., Any]] = {}
_loader: Callable[[], object] | None = None


def register(type_name: str, kind: str, fn: Callable[..., Any]) -> None:
    """Make ``fn(obj, **kw)`` the ``kind`` view ("frame" or "html") of objects named ``type_name``."""
    _VIEWS[(type_name, kind)] = fn


def set_loader(loader: Callable[[], object]) -> None:
    """Install what registers the views on first use (the facade imports perfcount.report)."""
    global _loader
    _loader = loader


def render(obj: Any, kind: str, **kw: Any) -> Any:
    """The ``kind`` view of ``obj``: a DataFrame for "frame", a string for "html"."""
    key = (type(obj).__name__, kind)
    if key not in _VIEWS and _loader is not None:
        _loader()
    fn = _VIEWS.get(key)
    if fn is None:
        raise TypeError(f"no {kind} view is registered for {type(obj).__name__}")
    return fn(obj, **kw)
