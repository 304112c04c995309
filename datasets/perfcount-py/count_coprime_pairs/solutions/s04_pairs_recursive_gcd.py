def count_coprime_pairs(xs):
    def gcd(a, b):
        return a if b == 0 else gcd(b, a % b)

    return sum(
        1 for i in range(len(xs)) for j in range(i + 1, len(xs)) if gcd(xs[i], xs[j]) == 1
    )
