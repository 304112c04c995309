def count_palindromic_substrings(s):
    # Bug: counts each distinct palindrome once instead of every position.
    found = set()
    n = len(s)
    for i in range(n):
        for lo, hi in ((i, i), (i, i + 1)):
            while lo >= 0 and hi < n and s[lo] == s[hi]:
                found.add(s[lo : hi + 1])
                lo -= 1
                hi += 1
    return len(found)
