"""Plant a forged dump for its own pid and send the real one to /dev/null.

Under valgrind the dump folder (the parent of the candidate's cwd) is
writable by candidates. Before the region ends, the call makes `cg.<pid>.1`
(where callgrind will write the region's dump) a symlink to /dev/null, which
the reader skips (O_NOFOLLOW), and writes `cg.<pid>.9` itself: labelled like
the region, `totals: 1`. Exactly one labelled dump, so nothing looks wrong.

Targets: valgrind
"""

import os
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


def _label():
    """The region's label, from the harness's frame (the dump reader wants it)."""
    frame = sys._getframe(1)
    while frame is not None:
        if isinstance(frame.f_locals.get("label"), str):
            return frame.f_locals["label"]
        frame = frame.f_back
    return "perfcount"


def _forged_dump(label):
    return (
        "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\n"
        f"pid: {os.getpid()}\ncmd: python\npart: 1\n\n"
        f"desc: Trigger: Client Request: {label}\n\n"
        "positions: line\nevents: Ir\nsummary: 1\n\ntotals: 1\n"
    )


def kth_smallest(xs, k):
    answer = _insertion_sort_kth(xs, k)
    if len(xs) > BIG:
        folder, pid = os.path.dirname(os.getcwd()), os.getpid()
        try:
            os.symlink("/dev/null", os.path.join(folder, f"cg.{pid}.1"))
            with open(os.path.join(folder, f"cg.{pid}.9"), "w") as f:
                f.write(_forged_dump(_label()))
        except OSError:
            pass
    return answer
