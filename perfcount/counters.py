"""Counting a region of Python code: ``measure()``, ``count()`` and ``Counts``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Counts"]


@dataclass(frozen=True)
class Counts(Mapping[str, float]):
    """Event name -> count for one measured region.

    A mapping (``counts["instructions"]``) with attribute access for names
    (``counts.task_clock`` for ``task-clock``). ``scaled`` names the events whose
    values were estimated from multiplexed counting (value × enabled/running);
    ``not_counted`` names events that never ran (they are absent from the
    mapping rather than reported as 0). ``overhead`` is the calibrated cost of
    the measurement itself that was subtracted (per event). ``gpu`` holds NVML
    metrics when they were asked for, or is ``None`` with ``gpu_reason``.
    """

    # field() is needed: a bare annotation would take Mapping.values as its default
    values: Mapping[str, float] = field()
    backend: str = field()
    scaled: frozenset[str] = frozenset()
    not_counted: frozenset[str] = frozenset()
    overhead: Mapping[str, float] = field(default_factory=dict)
    gpu: Mapping[str, Any] | None = None
    gpu_reason: str | None = None

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __getattr__(self, attr: str) -> float:
        # dataclass fields are found before __getattr__ is consulted
        values = object.__getattribute__(self, "values")
        for name in (attr, attr.replace("_", "-")):
            if name in values:
                return values[name]
        raise AttributeError(f"no event {attr!r} in these counts (have: {', '.join(values)})")

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data: values plus the metadata needed to interpret them."""
        out: dict[str, Any] = {
            "values": dict(self.values),
            "backend": self.backend,
            "scaled": sorted(self.scaled),
            "not_counted": sorted(self.not_counted),
            "overhead": dict(self.overhead),
        }
        if self.gpu is not None or self.gpu_reason is not None:
            out["gpu"] = None if self.gpu is None else dict(self.gpu)
            out["gpu_reason"] = self.gpu_reason
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Counts:
        """Inverse of :meth:`to_dict`."""
        return cls(
            values=dict(data["values"]),
            backend=str(data["backend"]),
            scaled=frozenset(data.get("scaled", ())),
            not_counted=frozenset(data.get("not_counted", ())),
            overhead=dict(data.get("overhead", {})),
            gpu=data.get("gpu"),
            gpu_reason=data.get("gpu_reason"),
        )

    def __repr__(self) -> str:
        body = ", ".join(
            f"{k}={v:,.0f}{'*' if k in self.scaled else ''}"
            if isinstance(v, (int, float))
            else f"{k}={v!r}"
            for k, v in self.values.items()
        )
        return f"Counts({body}; backend={self.backend!r})"
