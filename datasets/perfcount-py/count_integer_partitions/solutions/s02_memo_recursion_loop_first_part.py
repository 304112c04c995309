from functools import lru_cache


def count_integer_partitions(n):
    @lru_cache(maxsize=None)
    def p(total, cap):
        # choose the largest part k <= cap, then partition the rest with parts <= k
        if total == 0:
            return 1
        return sum(p(total - k, k) for k in range(1, min(total, cap) + 1))

    for t in range(n + 1):  # bottom-up warm-up keeps recursion shallow
        p(t, t)
    return p(n, n)
