def count_palindromic_substrings(s):
    mod = (1 << 61) - 1
    base = 911382323
    n = len(s)
    fwd = [0] * (n + 1)
    rev = [0] * (n + 1)
    power = [1] * (n + 1)
    for i, ch in enumerate(s):
        fwd[i + 1] = (fwd[i] * base + ord(ch)) % mod
        rev[i + 1] = (rev[i] * base + ord(s[n - 1 - i])) % mod
        power[i + 1] = power[i] * base % mod

    def forward_hash(lo, hi):  # s[lo:hi]
        return (fwd[hi] - fwd[lo] * power[hi - lo]) % mod

    def backward_hash(lo, hi):  # reversed(s[lo:hi])
        return (rev[n - lo] - rev[n - hi] * power[hi - lo]) % mod

    total = 0
    for center in range(2 * n - 1):
        left = center // 2
        right = left + center % 2  # palindrome s[left - r + 1 : right + r]
        lo, hi = 0, min(left + 1, n - right)
        while lo < hi:  # largest r with s[left-r+1 : right+r] a palindrome
            mid = (lo + hi + 1) // 2
            a, b = left - mid + 1, right + mid
            if forward_hash(a, b) == backward_hash(a, b):
                lo = mid
            else:
                hi = mid - 1
        total += lo
    return total
