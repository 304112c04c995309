def stair_climb_ways_mod(n, m):
    ways = {0: 1 % m, 1: 1 % m, 2: 2 % m}
    for k in range(3, n + 1):
        ways[k] = (ways[k - 1] + ways[k - 2] + ways[k - 3]) % m
    return ways[n]
