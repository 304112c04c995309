def most_frequent_substring(s, k):
    windows = [s[i : i + k] for i in range(len(s) - k + 1)]
    best, best_count = "", 0
    for w in set(windows):
        c = windows.count(w)
        if c > best_count or (c == best_count and w < best):
            best, best_count = w, c
    return best
