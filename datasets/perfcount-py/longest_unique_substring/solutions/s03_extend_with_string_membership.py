def longest_unique_substring(s):
    best = 0
    for i in range(len(s)):
        current = ""
        for j in range(i, len(s)):
            if s[j] in current:
                break
            current += s[j]
        if len(current) > best:
            best = len(current)
    return best
