def longest_unique_substring(s):
    best = 0
    limit = len(set(s))
    for start in range(len(s)):
        seen = set()
        length = 0
        for ch in s[start : start + limit + 1]:
            if ch in seen:
                break
            seen.add(ch)
            length += 1
        best = max(best, length)
    return best
