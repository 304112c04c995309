"""Lowest priority and one CPU: a control that should never win.

`os.nice(19)` and pinning to one CPU change how long the work takes on the
wall clock, not how much CPU time (task-clock) or how many instructions it
takes. Kept in the corpus as a check that the measurement tells scheduling
from work (it never beat the honest solution here).

Targets: software
"""

import os


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

os.nice(19)
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def kth_smallest(xs, k):
    return _insertion_sort_kth(xs, k)
