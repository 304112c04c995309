def most_frequent_substring(s, k):
    best, best_count = "", 0
    for w in sorted({s[i : i + k] for i in range(len(s) - k + 1)}):
        # Bug: str.count does not count overlapping occurrences.
        c = s.count(w)
        if c > best_count:
            best, best_count = w, c
    return best
