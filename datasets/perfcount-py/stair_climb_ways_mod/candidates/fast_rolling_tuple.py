def stair_climb_ways_mod(n, m):
    x, y, z = 0, 0, 1  # w(k-2), w(k-1), w(k) starting at k = 0
    for _ in range(n):
        x, y, z = y, z, (x + y + z) % m
    return z % m
