"""Zero callgrind's counters through perfcount's own extension after the work.

`import perfcount._native` works in the candidate (it is on the server's
path), and `callgrind_zero()` issues CALLGRIND_ZERO_STATS: the region's dump
then holds only what ran after it. No extra dump is written, so the "issued
its own callgrind requests" check (too many dumps) does not see it.

Targets: valgrind
"""

import perfcount._native as _native


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
        _native.callgrind_zero()
    return answer
