def josephus_survivor(n, k):
    nxt = list(range(1, n)) + [0]  # nxt[i] = index of the person after i
    prev = n - 1  # the person standing just before the next count starts
    for remaining in range(n, 1, -1):
        for _ in range((k - 1) % remaining):
            prev = nxt[prev]
        victim = nxt[prev]
        nxt[prev] = nxt[victim]
    return nxt[prev] + 1
