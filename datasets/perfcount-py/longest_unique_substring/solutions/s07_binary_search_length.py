def longest_unique_substring(s):
    def has_unique_window(length):
        counts = {}
        dup = 0
        for i, c in enumerate(s):
            counts[c] = counts.get(c, 0) + 1
            if counts[c] == 2:
                dup += 1
            if i >= length:
                old = s[i - length]
                counts[old] -= 1
                if counts[old] == 1:
                    dup -= 1
            if i >= length - 1 and dup == 0:
                return True
        return False

    lo, hi = 0, len(set(s))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if has_unique_window(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo
