def count_coprime_pairs(xs):
    def gcd(a, b):
        while b:
            a, b = b, a % b
        return a

    count = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if gcd(xs[i], xs[j]) == 1:
                count += 1
    return count
