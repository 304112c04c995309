def most_frequent_substring(s, k):
    counts = {}
    for i in range(len(s) - k + 1):
        w = s[i : i + k]
        counts[w] = counts.get(w, 0) + 1
    best, best_count = "", 0
    for w, c in counts.items():
        if c > best_count or (c == best_count and w < best):
            best, best_count = w, c
    return best
