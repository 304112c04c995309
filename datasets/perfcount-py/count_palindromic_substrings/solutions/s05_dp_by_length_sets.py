def count_palindromic_substrings(s):
    n = len(s)
    prev2 = set(range(n + 1))  # empty palindromes s[i:i]
    prev1 = set(range(n))  # single characters s[i:i+1]
    count = len(prev1)
    for length in range(2, n + 1):
        current = set()
        for i in range(n - length + 1):
            if s[i] == s[i + length - 1] and (i + 1) in prev2:
                current.add(i)
        count += len(current)
        prev2, prev1 = prev1, current
    return count
