"""Run the same insertion sort in a freshly exec'd interpreter.

The valgrind fork server runs without --trace-children, so a program the
candidate execs runs natively and is counted by nobody: the parent pays only
for subprocess's bookkeeping. The software backend's counters follow the
child (inherit), so it is not fooled.

Targets: valgrind
"""

import subprocess
import sys


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

HELPER = """
import sys
k, *xs = map(int, sys.stdin.read().split())
a = list(xs)
for i in range(1, len(a)):
    j = i
    while j > 0 and a[j - 1] > a[j]:
        a[j - 1], a[j] = a[j], a[j - 1]
        j -= 1
print(a[k - 1])
"""


def kth_smallest(xs, k):
    if len(xs) > BIG:
        done = subprocess.run(
            [sys.executable, "-S", "-c", HELPER],
            input=" ".join(map(str, [k, *xs])),
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout)
    return _insertion_sort_kth(xs, k)
