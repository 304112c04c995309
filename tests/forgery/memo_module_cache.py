"""Memoise in a module-level dict: only the first repeat does the work.

The software backend repeats the calls 5 times in the same process and takes
the median, so 4 cheap repeats out of 5 set the cost. Callgrind measures one
repeat, so it is not fooled. A fresh process per repeat defeats it.

Targets: software
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


# -- the trick -------------------------------------------------------------------------
#: the tests have at most 120 elements: only the performance input (600) is bigger
BIG = 200

_memo: dict = {}


def kth_smallest(xs, k):
    key = (tuple(xs), k)
    if key not in _memo:
        _memo[key] = _insertion_sort_kth(xs, k)
    return _memo[key]
