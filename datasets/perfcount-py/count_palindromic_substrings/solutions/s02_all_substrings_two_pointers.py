def count_palindromic_substrings(s):
    def is_palindrome(lo, hi):
        while lo < hi:
            if s[lo] != s[hi]:
                return False
            lo += 1
            hi -= 1
        return True

    n = len(s)
    return sum(1 for i in range(n) for j in range(i, n) if is_palindrome(i, j))
