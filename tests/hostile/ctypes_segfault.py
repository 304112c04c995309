# hostile: reads a kernel-space address and writes through a wild pointer with ctypes (SIGSEGV)
# expect: crashed
import ctypes


def solve(arg):
    ctypes.memset(0xFFFF800000001000, 0, 16)
    return ctypes.string_at(0xFFFF800000001000, 16)
