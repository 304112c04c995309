"""Memoise in a file, in every place the candidate can write.

Aimed at a fresh process per repeat: if any folder (the work folder, $TMPDIR,
/tmp, /dev/shm, the valgrind dump folder) outlives one repeat, the next
repeat reads the answer instead of computing it. On a harness that repeats in
one process it works like memo_module_cache.

Targets: software, valgrind
"""

import hashlib
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

_HERE = os.getcwd()
_PLACES = [_HERE, os.environ.get("TMPDIR", ""), "/tmp", "/dev/shm", os.path.dirname(_HERE)]


def _name(xs, k):
    return "perfcount-forgery-memo-" + hashlib.sha256(repr((xs, k)).encode()).hexdigest()[:16]


def kth_smallest(xs, k):
    if len(xs) <= BIG:
        return _insertion_sort_kth(xs, k)
    name = _name(xs, k)
    for place in _PLACES:
        try:
            with open(os.path.join(place, name)) as f:
                return int(f.read())
        except (OSError, ValueError):
            pass
    answer = _insertion_sort_kth(xs, k)
    for place in _PLACES:
        try:
            with open(os.path.join(place, name), "w") as f:
                f.write(str(answer))
        except OSError:
            pass
    return answer
