def stair_climb_ways_mod(n, m):
    w = [1]
    for k in range(1, n + 1):
        w.append(sum(w[max(0, k - 3) : k]) % m)
    return w[n] % m
