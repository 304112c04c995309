def divisor_sums(n):
    result = []
    for k in range(1, n + 1):
        result.append(sum(filter(lambda d: k % d == 0, range(1, k + 1))))
    return result
