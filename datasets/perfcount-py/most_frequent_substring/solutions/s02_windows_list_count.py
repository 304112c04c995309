def most_frequent_substring(s, k):
    windows = [s[i : i + k] for i in range(len(s) - k + 1)]
    if not windows:
        return ""
    return min(windows, key=lambda w: (-windows.count(w), w))
