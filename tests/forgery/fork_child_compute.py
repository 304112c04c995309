"""Fork inside the call, compute in the child, return the child's answer.

Under callgrind the child is a process of its own with a dump of its own,
which nobody reads: only the parent's fork, read and wait are counted. The
software backend's counters are inherited by the child, so it is not fooled.

Targets: valgrind
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


def kth_smallest(xs, k):
    if len(xs) > BIG:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.write(w, str(_insertion_sort_kth(xs, k)).encode())
            os._exit(0)
        os.close(w)
        data = b""
        while chunk := os.read(r, 4096):
            data += chunk
        os.close(r)
        os.waitpid(pid, 0)
        return int(data)
    return _insertion_sort_kth(xs, k)
