from bisect import bisect_left, bisect_right


def count_primes_in_ranges(queries):
    if not queries:
        return []
    limit = max(q[1] for q in queries)
    flags = bytearray([1]) * (limit + 1)
    flags[: min(2, limit + 1)] = b"\x00" * min(2, limit + 1)
    i = 2
    while i * i <= limit:
        if flags[i]:
            flags[i * i :: i] = b"\x00" * ((limit - i * i) // i + 1)
        i += 1
    primes = [n for n in range(limit + 1) if flags[n]]
    return [bisect_right(primes, hi) - bisect_left(primes, lo) for lo, hi in queries]
