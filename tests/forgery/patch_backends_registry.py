"""Replace the backend classes in perfcount.counters.backends.BACKENDS with fakes.

The child looks its backend up in that dict after the candidate's module ran.
The fake software backend's region yields made-up counter values (1 each);
the fake valgrind backend's region issues no callgrind request and writes a
forged dump `cg.<pid>.1` (labelled like the region, `totals: 1`) instead.

Targets: valgrind, software
"""

import os
import sys
from contextlib import contextmanager

from perfcount.counters.backends import BACKENDS
from perfcount.counters.backends.base import Region


# -- the honest slow solution (identical in every file of this folder) -----------------
def _out_of_order(a, j):
    return a[j - 1] > a[j]


def _swap(a, j):
    a[j - 1], a[j] = a[j], a[j - 1]


def _insertion_sort_kth(xs, k):
    """Insertion sort by adjacent swaps (about 3x the slowest reference), then index."""
    a = list(xs)
    for i in range(1, len(a)):
        j = i
        while j > 0 and _out_of_order(a, j):
            _swap(a, j)
            j -= 1
    return a[k - 1]


# -- the trick -------------------------------------------------------------------------
#: the tests have at most 120 elements: only the performance input (600) is bigger
BIG = 200


def _label():
    """The region's label, from the harness's frame (the dump reader wants it)."""
    frame = sys._getframe(1)
    while frame is not None:
        if isinstance(frame.f_locals.get("label"), str):
            return frame.f_locals["label"]
        frame = frame.f_back
    return "perfcount"


def _forged_dump(label):
    return (
        "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\n"
        f"pid: {os.getpid()}\ncmd: python\npart: 1\n\n"
        f"desc: Trigger: Client Request: {label}\n\n"
        "positions: line\nevents: Ir\nsummary: 1\n\ntotals: 1\n"
    )


class _Software(BACKENDS["software"]):
    @contextmanager
    def region(self, label):
        yield Region(values={name: 1.0 for name in self.events})


class _Valgrind(BACKENDS["valgrind"]):
    @contextmanager
    def region(self, label):
        yield Region()
        with open(os.path.join(os.path.dirname(os.getcwd()), f"cg.{os.getpid()}.1"), "w") as f:
            f.write(_forged_dump(label))


BACKENDS["software"] = _Software
BACKENDS["valgrind"] = _Valgrind


def kth_smallest(xs, k):
    return _insertion_sort_kth(xs, k)
