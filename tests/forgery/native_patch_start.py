"""Replace perfcount._native.callgrind_start with a no-op at import time.

The valgrind backend's region calls `_native.callgrind_start()` through the
module attribute, so the region never switches instrumentation on; its dump
(still written by callgrind_stop) counts next to nothing.

Targets: valgrind
"""

import sys


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

sys.modules["perfcount._native"].callgrind_start = lambda: None


def kth_smallest(xs, k):
    return _insertion_sort_kth(xs, k)
