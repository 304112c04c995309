"""The honest slow solution every forgery starts from: insertion sort, then index.

Written with two tiny helpers per step, it costs about 3x the task's slowest
reference (a plain insertion sort, s10) under both backends, so it scores DPS 0
with room to spare: the plain insertion sort *is* that reference and ties it
(DPS 9.09 or 0, by noise or by a stale reference cache). No trick.

Targets: none (the baseline)
"""


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


def kth_smallest(xs, k):
    return _insertion_sort_kth(xs, k)
