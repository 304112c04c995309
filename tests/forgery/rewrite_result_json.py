"""Patch json.dumps so the child's result reports 1 for every counter value.

The child encodes its result with the `json` module the candidate shares; the
patched `dumps` rewrites the measured regions (and wall times) just before
they are sent. Under valgrind the cost comes from the dump, not from these
values, so that backend is not fooled.

Targets: software
"""

import json


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

_real_dumps = json.dumps


def _dumps(obj, *args, **kwargs):
    if isinstance(obj, dict) and isinstance(obj.get("regions"), list):
        for region in obj["regions"]:
            values = region.get("values")
            if isinstance(values, dict):
                for name in values:
                    values[name] = 1.0
        if isinstance(obj.get("wall_ns"), list):
            obj["wall_ns"] = [1 for _ in obj["wall_ns"]]
    return _real_dumps(obj, *args, **kwargs)


json.dumps = _dumps


def kth_smallest(xs, k):
    return _insertion_sort_kth(xs, k)
