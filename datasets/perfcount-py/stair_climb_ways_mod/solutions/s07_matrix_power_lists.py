def _mul(x, y, m):
    return [
        [sum(x[i][k] * y[k][j] for k in range(3)) % m for j in range(3)] for i in range(3)
    ]


def stair_climb_ways_mod(n, m):
    result = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    base = [[1, 1, 1], [1, 0, 0], [0, 1, 0]]
    e = n
    while e:
        if e & 1:
            result = _mul(result, base, m)
        base = _mul(base, base, m)
        e >>= 1
    # (w(n), w(n-1), w(n-2)) = M^n (w(0), w(-1), w(-2)) with w(-1) = w(-2) = 0
    return result[0][0] % m
