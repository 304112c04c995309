# hostile: tries to lift its own RLIMIT_AS and RLIMIT_NPROC before allocating 2 GiB; the limits stay
# expect: memory
import contextlib
import resource


def solve(arg):
    for which in (resource.RLIMIT_AS, resource.RLIMIT_NPROC, resource.RLIMIT_CPU):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    return len(bytearray(2 << 30))
