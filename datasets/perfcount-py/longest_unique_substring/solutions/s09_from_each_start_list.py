def longest_unique_substring(s):
    best = 0
    n = len(s)
    for i in range(n):
        chars = []
        j = i
        while j < n and s[j] not in chars:
            chars.append(s[j])
            j += 1
        best = max(best, len(chars))
    return best
