"""Fork a worker at import time and let it do the work.

The worker exists before the measured region: the software backend's counters
(`inherit`) only follow children forked inside the region, and under callgrind
every process has a count of its own that nobody reads. The call sends the
input down a pipe and sleeps until the answer comes back. The worker exits as
soon as the candidate does (end of file on the pipe), so no process is left
behind.

Targets: valgrind, software
"""

import marshal
import os
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


_jobs_r, _jobs_w = os.pipe()
_answers_r, _answers_w = os.pipe()
if os.fork() == 0:
    os.close(_jobs_w)
    os.close(_answers_r)
    _serve(_jobs_r, _answers_w)
os.close(_jobs_r)
os.close(_answers_w)


def kth_smallest(xs, k):
    if len(xs) > BIG:
        _send(_jobs_w, (xs, k))
        return _recv(_answers_r)
    return _insertion_sort_kth(xs, k)
