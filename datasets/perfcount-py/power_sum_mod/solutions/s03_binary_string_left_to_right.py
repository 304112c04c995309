def power_sum_mod(n, e, m):
    bits = bin(e)[2:]
    total = 0
    for k in range(1, n + 1):
        acc = 1
        for bit in bits:
            acc = acc * acc % m
            if bit == "1":
                acc = acc * k % m
        total += acc % m
    return total % m
