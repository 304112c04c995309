def most_frequent_substring(s, k):
    best, best_count = "", 0
    n = len(s)
    for i in range(n - k + 1):
        w = s[i : i + k]
        count = 0
        for j in range(n - k + 1):
            if s[j : j + k] == w:
                count += 1
        if count > best_count or (count == best_count and w < best):
            best, best_count = w, count
    return best
