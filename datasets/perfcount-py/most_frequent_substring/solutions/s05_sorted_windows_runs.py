def most_frequent_substring(s, k):
    windows = sorted(s[i : i + k] for i in range(len(s) - k + 1))
    best, best_count = "", 0
    i = 0
    while i < len(windows):
        j = i
        while j < len(windows) and windows[j] == windows[i]:
            j += 1
        if j - i > best_count:  # sorted order: first maximum is the smallest
            best, best_count = windows[i], j - i
        i = j
    return best
