def stair_climb_ways_mod(n, m):
    w = [1, 1, 2]
    for k in range(3, n + 1):
        w.append((w[k - 1] + w[k - 2] + w[k - 3]) % m)
    return w[n] % m
