"""Do the work in a thread started at import time, before the counters open.

The software backend's perf_event group counts the thread that opened it and
threads started after that (`inherit`); a thread started by module code is
neither. The call hands the input over and sleeps until the answer is back.
Under callgrind every thread is counted, so that backend is not fooled.

Targets: software
"""

import queue
import threading


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

_jobs: queue.Queue = queue.Queue()
_answers: queue.Queue = queue.Queue()


def _worker():
    while True:
        xs, k = _jobs.get()
        _answers.put(_insertion_sort_kth(xs, k))


threading.Thread(target=_worker, daemon=True).start()


def kth_smallest(xs, k):
    if len(xs) > BIG:
        _jobs.put((xs, k))
        return _answers.get()
    return _insertion_sort_kth(xs, k)
