def power_sum_mod(n, e, m):
    bits = []
    x = e
    while x:
        bits.append(x & 1)
        x >>= 1
    total = 0
    for k in range(1, n + 1):
        base = k % m
        acc = 1 % m
        for bit in bits:
            if bit:
                acc = acc * base % m
            base = base * base % m
        total += acc
    return total % m
