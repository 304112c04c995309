def count_palindromic_substrings(s):
    n = len(s)
    below = [False] * n  # row i + 1 of the table
    count = 0
    for i in range(n - 1, -1, -1):
        row = [False] * n
        for j in range(i, n):
            if s[i] == s[j] and (j - i < 2 or below[j - 1]):
                row[j] = True
                count += 1
        below = row
    return count
