def count_coprime_pairs(xs):
    def gcd(a, b):
        while a != b:
            if a > b:
                a -= b
            else:
                b -= a
        return a

    pairs = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if gcd(xs[i], xs[j]) == 1:
                pairs += 1
    return pairs
