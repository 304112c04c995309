from itertools import groupby


def most_frequent_substring(s, k):
    windows = sorted(s[i : i + k] for i in range(len(s) - k + 1))
    best, best_len = "", 0
    for w, group in groupby(windows):
        size = sum(1 for _ in group)
        if size > best_len:
            best, best_len = w, size
    return best
