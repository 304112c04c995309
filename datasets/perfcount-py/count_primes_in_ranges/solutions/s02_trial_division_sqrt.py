def count_primes_in_ranges(queries):
    def is_prime(x):
        if x < 2:
            return False
        d = 2
        while d * d <= x:
            if x % d == 0:
                return False
            d += 1
        return True

    answers = []
    for lo, hi in queries:
        count = 0
        for x in range(lo, hi + 1):
            if is_prime(x):
                count += 1
        answers.append(count)
    return answers
