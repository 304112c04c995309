def stair_climb_ways_mod(n, m):
    # M^n for M = [[1,1,1],[1,0,0],[0,1,0]] kept as 9 numbers.
    r = (1, 0, 0, 0, 1, 0, 0, 0, 1)
    b = (1, 1, 1, 1, 0, 0, 0, 1, 0)

    def mul(x, y):
        x0, x1, x2, x3, x4, x5, x6, x7, x8 = x
        y0, y1, y2, y3, y4, y5, y6, y7, y8 = y
        return (
            (x0 * y0 + x1 * y3 + x2 * y6) % m,
            (x0 * y1 + x1 * y4 + x2 * y7) % m,
            (x0 * y2 + x1 * y5 + x2 * y8) % m,
            (x3 * y0 + x4 * y3 + x5 * y6) % m,
            (x3 * y1 + x4 * y4 + x5 * y7) % m,
            (x3 * y2 + x4 * y5 + x5 * y8) % m,
            (x6 * y0 + x7 * y3 + x8 * y6) % m,
            (x6 * y1 + x7 * y4 + x8 * y7) % m,
            (x6 * y2 + x7 * y5 + x8 * y8) % m,
        )

    while n:
        if n & 1:
            r = mul(r, b)
        b = mul(b, b)
        n >>= 1
    return r[0] % m
