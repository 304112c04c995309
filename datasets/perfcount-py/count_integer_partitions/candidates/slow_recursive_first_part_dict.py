import sys


def count_integer_partitions(n):
    sys.setrecursionlimit(100000)
    cache = {}

    def count(remaining, max_part):
        if remaining == 0:
            return 1
        if (remaining, max_part) in cache:
            return cache[(remaining, max_part)]
        total = 0
        for part in range(min(remaining, max_part), 0, -1):
            total += count(remaining - part, part)
        cache[(remaining, max_part)] = total
        return total

    return count(n, n)
