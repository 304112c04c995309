def edit_distance(a, b):
    memo = {}
    # fill bottom-up over (i, j) suffix pairs so no recursion is needed
    n, m = len(a), len(b)
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n:
                memo[(i, j)] = m - j
            elif j == m:
                memo[(i, j)] = n - i
            elif a[i] == b[j]:
                memo[(i, j)] = memo[(i + 1, j + 1)]
            else:
                memo[(i, j)] = 1 + min(memo[(i + 1, j)], memo[(i, j + 1)], memo[(i + 1, j + 1)])
    return memo[(0, 0)]
