"""A check that needs no trust in the count: CPU time against the reported cost.

A whole-life count is taken from outside the candidate, but a deterministic
backend still runs inside the candidate's process (callgrind, qemu), and
code able to execute arbitrary machine code there could hide work from it.
CPU time comes from the kernel (the candidate's rusage), which nothing in the
candidate can change. For the references of a task, CPU time is close to
``a + b * cost``: ``a`` the fixed CPU of a run (process set-up and exit, and
under valgrind its translation of new code), ``b`` the CPU per unit of cost.
:func:`cpu_model` fits the most generous such line to the references (``a``
their least CPU, ``b`` the largest slope any of them needs), and
:func:`suspect` flags a candidate whose CPU time is more than
``factor`` times what its cost allows, plus ``floor`` seconds. Such a
candidate is ``suspect``: it scores 0 and is reported with both figures.

The bound is coarse by design (scheduling, page cache and valgrind's
translation make CPU time noisy): it catches a count that hides most of the
work, not a few percent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["SUSPECT_FACTOR", "SUSPECT_FLOOR_S", "CpuModel", "cpu_model", "suspect"]

#: how many times more CPU than the references' model a candidate may use
SUSPECT_FACTOR = 4.0
#: seconds of CPU time always allowed on top (short runs are dominated by noise)
SUSPECT_FLOOR_S = 0.5


@dataclass(frozen=True)
class CpuModel:
    """CPU seconds allowed for a cost: ``fixed_s + per_unit_s * cost``."""

    fixed_s: float
    per_unit_s: float
    n: int

    def allowed(
        self, cost: float, factor: float = SUSPECT_FACTOR, floor: float = SUSPECT_FLOOR_S
    ) -> float:
        return factor * (self.fixed_s + self.per_unit_s * max(0.0, cost)) + floor


def cpu_model(points: Iterable[tuple[float | None, float | None]]) -> CpuModel | None:
    """The references' ``(cost, cpu_s)`` pairs -> a model, or ``None`` without any usable pair."""
    pairs = [(float(c), float(t)) for c, t in points if c and t is not None and c > 0 and t >= 0]
    if not pairs:
        return None
    fixed = min(t for _, t in pairs)
    slope = max((t - fixed) / c for c, t in pairs)
    return CpuModel(fixed_s=fixed, per_unit_s=slope, n=len(pairs))


def suspect(
    cost: float,
    cpu_s: float | None,
    model: CpuModel | None,
    *,
    factor: float = SUSPECT_FACTOR,
    floor: float = SUSPECT_FLOOR_S,
) -> str | None:
    """Why a candidate's CPU time does not fit its cost (``None`` when it fits or cannot be told)."""
    if model is None or cpu_s is None:
        return None
    allowed = model.allowed(cost, factor, floor)
    if cpu_s <= allowed:
        return None
    return (
        f"its CPU time ({cpu_s:.3f} s, from the kernel) is {cpu_s / allowed:.1f}x more than "
        f"its reported cost ({cost:,.0f}) allows ({allowed:.3f} s, from the references' "
        f"{model.n} runs: {model.fixed_s:.3f} s + {model.per_unit_s:.3g} s per unit, "
        f"x{factor:g} + {floor:g} s): the count may have been hidden from"
    )
