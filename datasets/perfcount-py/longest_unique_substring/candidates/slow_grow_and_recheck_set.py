def longest_unique_substring(s):
    best = 0
    for start in range(len(s)):
        sub = ""
        for ch in s[start:]:
            sub += ch
            if len(set(sub)) < len(sub):
                break
            best = max(best, len(sub))
    return best
