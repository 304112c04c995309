"""PERF_EVENT_IOC_DISABLE on the harness's perf_event fds around the work.

The software backend's counter group lives in the candidate's process; its
fds show up in /proc/self/fd as anon_inode:[perf_event]. Disabled counters
do not count, and the enabled/running times stop with them, so nothing looks
multiplexed. (Under callgrind perf_event_open is denied and there are no such
fds.)

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
    if len(xs) > BIG:
        fds = perf_event_fds()
        for fd in fds:
            fcntl.ioctl(fd, PERF_EVENT_IOC_DISABLE, 0)
        try:
            return _insertion_sort_kth(xs, k)
        finally:
            for fd in fds:
                fcntl.ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)
    return _insertion_sort_kth(xs, k)
