def count_integer_partitions(n):
    # coefficient of x^n in prod_k 1 / (1 - x^k)
    poly = [1] + [0] * n
    for k in range(1, n + 1):
        new = [0] * (n + 1)
        for i in range(n + 1):
            if poly[i]:
                for j in range(i, n + 1, k):
                    new[j] += poly[i]
        poly = new
    return poly[n]
