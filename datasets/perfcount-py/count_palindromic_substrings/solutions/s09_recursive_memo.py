from functools import lru_cache


def count_palindromic_substrings(s):
    @lru_cache(maxsize=None)
    def is_pal(i, j):
        if i >= j:
            return True
        return s[i] == s[j] and is_pal(i + 1, j - 1)

    n = len(s)
    count = 0
    for length in range(1, n + 1):
        for i in range(n - length + 1):
            if is_pal(i, i + length - 1):
                count += 1
    return count
