def stair_climb_ways_mod(n, m):
    a, b, c = 1, 1, 2  # w(k), w(k+1), w(k+2)
    for _ in range(n):
        a, b, c = b, c, (a + b + c) % m
    return a % m
