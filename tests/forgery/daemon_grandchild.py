"""Do the work in a daemon: double fork and setsid at import time.

Like prefork_worker, but the worker leaves the candidate's session and process
group and is reparented, so only the pids cgroup still knows it. It exits
when the candidate does (end of file on its socket).

Targets: valgrind, software
"""

import marshal
import os
import socket
import struct


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


def _send(fd, obj):
    data = marshal.dumps(obj)
    data = struct.pack(">Q", len(data)) + data
    while data:
        data = data[os.write(fd, data) :]


def _read(fd, n):
    out = b""
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            return None
        out += chunk
    return out


def _recv(fd):
    head = _read(fd, 8)
    if head is None:
        return None
    return marshal.loads(_read(fd, struct.unpack(">Q", head)[0]))


def _serve(jobs, answers):
    """Answer jobs until the candidate's end of the pipe closes (it exited), then exit."""
    while True:
        job = _recv(jobs)
        if job is None:
            os._exit(0)
        _send(answers, _insertion_sort_kth(*job))


_mine, _theirs = socket.socketpair()
_middle = os.fork()
if _middle == 0:
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    _mine.close()
    _serve(_theirs.fileno(), _theirs.fileno())
os.waitpid(_middle, 0)
_theirs.close()


def kth_smallest(xs, k):
    if len(xs) > BIG:
        _send(_mine.fileno(), (xs, k))
        return _recv(_mine.fileno())
    return _insertion_sort_kth(xs, k)
