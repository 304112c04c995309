def longest_unique_substring(s):
    last_seen = {}
    left = best = 0
    for right, ch in enumerate(s):
        left = max(left, last_seen.get(ch, -1) + 1)
        last_seen[ch] = right
        best = max(best, right - left + 1)
    return best
