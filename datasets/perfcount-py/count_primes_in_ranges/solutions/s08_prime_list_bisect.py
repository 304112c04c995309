from bisect import bisect_left, bisect_right


def count_primes_in_ranges(queries):
    if not queries:
        return []
    top = max(hi for _, hi in queries)
    composite = [False] * (top + 1)
    primes = []
    for i in range(2, top + 1):
        if not composite[i]:
            primes.append(i)
            for m in range(i * i, top + 1, i):
                composite[m] = True
    return [bisect_right(primes, hi) - bisect_left(primes, lo) for lo, hi in queries]
