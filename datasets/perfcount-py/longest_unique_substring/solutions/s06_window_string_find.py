def longest_unique_substring(s):
    window = ""
    best = 0
    for c in s:
        idx = window.find(c)
        if idx != -1:
            window = window[idx + 1 :]
        window += c
        best = max(best, len(window))
    return best
