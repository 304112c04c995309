def most_frequent_substring(s, k):
    best, best_count = "", 0
    for w in sorted({s[i : i + k] for i in range(len(s) - k + 1)}):
        count = 0
        pos = s.find(w)
        while pos != -1:
            count += 1
            pos = s.find(w, pos + 1)
        if count > best_count:
            best, best_count = w, count
    return best
