"""Make one repeat 11x slower: the huge spread widens the tie tolerance to everything.

No tampering at all: every instruction is measured. The software backend's
tie tolerance is the candidate's own spread, CV x cost. The first call on the
performance input sorts 11 times; the other four repeats sort once, so the
median (the cost) is the honest one, but the CV is ~1.5: a tolerance larger
than the cost itself, so the fastest reference "ties" and the score is 100.
Repeats in fresh processes defeat this deterministic version, not the rule:
a version that slows a random repeat down wins whenever 1 or 2 of the 5 are
slow.

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

_calls = []


def kth_smallest(xs, k):
    if len(xs) > BIG:
        _calls.append(k)
        if len(_calls) == 1:
            for _ in range(10):
                _insertion_sort_kth(xs, k)
    return _insertion_sort_kth(xs, k)
