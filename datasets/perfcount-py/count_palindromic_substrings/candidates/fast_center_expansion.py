def count_palindromic_substrings(s):
    n = len(s)
    result = 0
    for i in range(n):
        for lo, hi in ((i, i), (i, i + 1)):
            while lo >= 0 and hi < n and s[lo] == s[hi]:
                result += 1
                lo -= 1
                hi += 1
    return result
