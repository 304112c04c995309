def most_frequent_substring(s, k):
    keys = []
    counts = []
    for i in range(len(s) - k + 1):
        w = s[i : i + k]
        if w in keys:
            counts[keys.index(w)] += 1
        else:
            keys.append(w)
            counts.append(1)
    best, best_count = "", 0
    for w, c in zip(keys, counts):
        if c > best_count or (c == best_count and w < best):
            best, best_count = w, c
    return best
