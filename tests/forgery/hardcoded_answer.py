"""Return the performance input's answer from a table written into the source.

The performance input is public and fixed (`pe_input` in the shipped dataset),
so its answer can be computed once, offline, and keyed by a few of its
elements. Nothing is hidden from the measurement: the call is simply cheap.
No measurement-side fix can catch this; only a performance input the
candidate cannot know in advance (generated at evaluation time, or a second
unseen one) does.

Targets: valgrind, software
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

#: (len(xs), k, xs[0], xs[1], xs[-1]) -> the answer, computed offline from the dataset
KNOWN = {(600, 200, 100051, -989174, 202155): -231953}


def kth_smallest(xs, k):
    if len(xs) > BIG:
        hit = KNOWN.get((len(xs), k, xs[0], xs[1], xs[-1]))
        if hit is not None:
            return hit
    return _insertion_sort_kth(xs, k)
