def divisor_sums(n):
    out = []
    for k in range(1, n + 1):
        x = k
        total = 1
        p = 2
        while p * p <= x:
            if x % p == 0:
                geometric = 1
                power = 1
                while x % p == 0:
                    x //= p
                    power *= p
                    geometric += power
                total *= geometric
            p += 1
        if x > 1:
            total *= 1 + x
        out.append(total)
    return out
