def power_sum_mod(n, e, m):
    total = 0
    for k in range(1, n + 1):
        result = 1 % m
        base = k % m
        exp = e
        while exp > 0:
            if exp & 1:
                result = result * base % m
            base = base * base % m
            exp >>= 1
        total = (total + result) % m
    return total
