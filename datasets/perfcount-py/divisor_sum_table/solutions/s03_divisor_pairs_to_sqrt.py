def divisor_sums(n):
    result = []
    for k in range(1, n + 1):
        total = 0
        d = 1
        while d * d <= k:
            if k % d == 0:
                total += d
                if d != k // d:
                    total += k // d
            d += 1
        result.append(total)
    return result
