"""PERF_EVENT_IOC_RESET on the harness's perf_event fds after the work (never wins).

The region is a read before and a read after; resetting the counters in
between makes the second read smaller than the first. The harness subtracts
unsigned 64-bit values, so the cost wraps to ~1.8e19 ns (accepted as `ok`,
DPS 0): the naive reset loses. perf_ioctl_reset_refill is the version that wins.

Targets: software
"""

import fcntl
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

# linux/perf_event.h: _IO('$', 0), _IO('$', 1), _IO('$', 3)
PERF_EVENT_IOC_ENABLE = 0x2400
PERF_EVENT_IOC_DISABLE = 0x2401
PERF_EVENT_IOC_RESET = 0x2403


def perf_event_fds():
    """Every perf_event fd of this process (readlink says anon_inode:[perf_event])."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}") == "anon_inode:[perf_event]":
                found.append(int(name))
        except OSError:
            pass
    return found


def kth_smallest(xs, k):
    answer = _insertion_sort_kth(xs, k)
    if len(xs) > BIG:
        for fd in perf_event_fds():
            fcntl.ioctl(fd, PERF_EVENT_IOC_RESET, 0)
    return answer
