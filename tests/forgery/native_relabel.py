"""Dump the work under another label (reached through sys.modules), then restart.

`callgrind_stop("elsewhere")` dumps the costs so far labelled "elsewhere" and
zeroes them; `callgrind_start()` switches instrumentation back on. The reader
only takes dumps labelled like the region, so the work's dump is ignored and
only one dump carries the region's label.

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


def kth_smallest(xs, k):
    answer = _insertion_sort_kth(xs, k)
    if len(xs) > BIG:
        native = sys.modules["perfcount._native"]
        native.callgrind_stop("elsewhere")
        native.callgrind_start()
    return answer
