def longest_unique_substring(s):
    prev = {}
    run = 0
    best = 0
    for i, c in enumerate(s):
        run = min(run + 1, i - prev.get(c, -1))
        prev[c] = i
        best = max(best, run)
    return best
