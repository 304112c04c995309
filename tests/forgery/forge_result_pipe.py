"""Write a complete forged result to the result pipe and exit inside the region.

The result channel is the only pipe the child holds. The call computes the
answer, writes `{"status": "ok", "outputs": [answer], "regions": [...1...]}`
to every pipe fd and `os._exit(0)`s, so the region never ends. Under
valgrind it also writes the region's dump itself (`cg.<pid>.1`, labelled
like the region, `totals: 1`): callgrind never writes one, since the region
never ends.

Targets: valgrind, software
"""

import json
import os
import stat
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
    if len(xs) <= BIG:
        return _insertion_sort_kth(xs, k)
    answer = _insertion_sort_kth(xs, k)
    label = _label()
    try:
        folder = os.path.dirname(os.getcwd())
        with open(os.path.join(folder, f"cg.{os.getpid()}.1"), "w") as f:
            f.write(_forged_dump(label))
    except OSError:
        pass
    region = {"values": {"task-clock": 1.0}, "scaled": [], "not_counted": [], "overhead": {}}
    forged = json.dumps(
        {"status": "ok", "outputs": [answer], "regions": [region] * 5, "wall_ns": [1] * 5}
    ).encode()
    for fd in range(3, 256):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, forged)
        except OSError:
            pass
    os._exit(0)
