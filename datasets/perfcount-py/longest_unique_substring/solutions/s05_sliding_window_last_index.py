def longest_unique_substring(s):
    """One pass; the window starts just after the last repeat of the newest char."""
    last = {}
    start = 0
    best = 0
    for i, c in enumerate(s):
        if c in last and last[c] >= start:
            start = last[c] + 1
        last[c] = i
        if i - start + 1 > best:
            best = i - start + 1
    return best
