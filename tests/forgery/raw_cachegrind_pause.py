"""CACHEGRIND_STOP_INSTRUMENTATION around the work (and START after), as raw machine code.

cachegrind (valgrind >= 3.22) logs a START or STOP only when it changes nothing
(a START while counting, a STOP while not), so a STOP/START pair issued by code
the candidate writes itself leaves no trace in its log: the work in between is
not counted. A known limitation (SECURITY.md, docs/design.md): the cachegrind
backend is chosen by name only, never by ``auto``. Under callgrind these are
unknown client requests (no-ops), natively and under qemu the sequence does
nothing.

Targets: cachegrind
"""

import ctypes
import mmap


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


# valgrind's amd64 client request: %rax points at 6 words (request, 5 arguments), the
# "special instruction" (four rotations of %rdi by 128 bits in all, then xchg %rbx,%rbx)
# makes valgrind serve it; natively the sequence does nothing and returns the default 0
_CODE = bytes.fromhex(
    "4889f8"  # mov %rdi,%rax   (the request block, first C argument)
    "31d2"  # xor %edx,%edx     (default result)
    "48c1c703"  # rol $3,%rdi
    "48c1c70d"  # rol $13,%rdi
    "48c1c73d"  # rol $61,%rdi
    "48c1c733"  # rol $51,%rdi
    "4887db"  # xchg %rbx,%rbx  (%rdx = client_request(%rax))
    "4889d0"  # mov %rdx,%rax
    "c3"  # ret
)
_PAGE = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
_PAGE.write(_CODE)
_REQUEST = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p)(
    ctypes.addressof(ctypes.c_char.from_buffer(_PAGE))
)

# cachegrind.h: VG_USERREQ_TOOL_BASE('C', 'G') and the order of its enum
_CACHEGRIND = (ord("C") << 24) | (ord("G") << 16)
START_INSTRUMENTATION = _CACHEGRIND + 0
STOP_INSTRUMENTATION = _CACHEGRIND + 1


def client_request(request, *args):
    """Issue a valgrind client request written at run time (no perfcount code involved)."""
    block = (ctypes.c_uint64 * 6)(request, *args, *([0] * (5 - len(args))))
    return _REQUEST(ctypes.addressof(block))


def kth_smallest(xs, k):
    if len(xs) > BIG:
        client_request(STOP_INSTRUMENTATION)
        try:
            return _insertion_sort_kth(xs, k)
        finally:
            client_request(START_INSTRUMENTATION)
    return _insertion_sort_kth(xs, k)
