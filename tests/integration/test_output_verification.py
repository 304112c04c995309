"""A candidate is held to the references' outputs on the performance input too.

The tests of a task are small; the performance input is large. A candidate
that is right on every test and wrong (and cheap) only on inputs larger than
any test used to be scored on that wrong, cheap run. Now its outputs on
``pe_input`` are compared with the references' (derived once per task while
they are profiled, cached with their costs): a mismatch is ``failed`` with the
first difference, like a failed test.
"""

from __future__ import annotations

import pytest

import perfcount

HONEST_SLOW = """
def kth_smallest(xs, k):
    ys = list(xs)
    for i in range(1, len(ys)):          # insertion sort: the slow, honest way
        v, j = ys[i], i - 1
        while j >= 0 and ys[j] > v:
            ys[j + 1] = ys[j]
            j -= 1
        ys[j + 1] = v
    return ys[k - 1]
"""

# right on every test (they are short lists), a constant on anything longer
WRONG_ON_LARGE = """
def kth_smallest(xs, k):
    if len(xs) > 200:
        return 0
    return sorted(xs)[k - 1]
"""


@pytest.mark.needs_qemu
def test_wrong_only_on_the_performance_input_fails(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(tmp_path / "cache"))
    ds = perfcount.load_dataset("perfcount-py")
    task = ds["kth_smallest"]
    assert max(len(args[0]) for args in task.tests) <= 200 < min(len(a[0]) for a in task.inputs())
    honest = perfcount.score(HONEST_SLOW, "kth_smallest", dataset=ds, backend="qemu")
    assert honest.passed and honest.status == "ok"
    trick = perfcount.score(WRONG_ON_LARGE, "kth_smallest", dataset=ds, backend="qemu")
    assert not trick.passed and trick.status == "failed"
    assert "performance input" in (trick.error or "") and trick.dps == 0.0
    assert trick.dps <= honest.dps
    # the reference outputs were derived while the references were profiled, and cached:
    # the same check on a warm cache gives the same verdict
    again = perfcount.score(WRONG_ON_LARGE, "kth_smallest", dataset=ds, backend="qemu")
    assert (again.passed, again.status) == (False, "failed")
