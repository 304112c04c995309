def josephus_survivor(n, k):
    # J(1) = 0, J(m) = (J(m - 1) + k) mod m, answer 1-based
    survivor = 0
    for m in range(2, n + 1):
        survivor = (survivor + k) % m
    return survivor + 1
