"""The CPU-time check end to end: a count that misses most of the CPU a candidate used.

Under qemu (as under callgrind) the count is the candidate's user-space
instructions; work the kernel does for it is not in it. A candidate that right answers cheaply in
instructions while it burns seconds of system time (reading ``os.urandom`` in
bulk) has a CPU time far beyond what its cost allows by the task's references:
it is ``suspect``, scores 0 and its line carries both figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import perfcount as pc
from perfcount.execute.runner import Runner

# the dataset's fastest reference, verbatim: it must score as that reference (another
# text of the same code may cost a few instructions more, and land in the next cluster)
FAST = (
    Path(__file__).resolve().parents[2]
    / "datasets/perfcount-py/kth_smallest/solutions/s04_sorted_builtin.py"
).read_text()
KERNEL_BURN = (
    "import os\n"
    "for _ in range(48):\n"
    "    os.urandom(32 << 20)  # system time, few instructions\n" + FAST
)


@pytest.mark.needs_qemu
def test_cpu_time_far_beyond_the_cost_is_suspect() -> None:
    # references and candidates measured on one runner, not taken from the shared cache
    # (in the full suite a cached cost of this reference, from another runner, differed
    # from a fresh one by 13 instructions: an open defect, see the session note)
    with Runner("qemu") as r:
        honest = pc.score(FAST, "kth_smallest", runner=r, cache=False)
        burn = pc.score(KERNEL_BURN, "kth_smallest", runner=r, cache=False)
    assert honest.status == "ok" and honest.dps == 100.0, honest
    assert burn.status == "suspect" and burn.dps == 0.0 and burn.cluster == -1, burn
    assert burn.cost is not None and burn.cost < 10 * honest.cost  # the count looks cheap
    assert "CPU time" in (burn.error or "") and "allows" in burn.error
    assert burn.extra.get("cpu_s", 0) > 1.0
