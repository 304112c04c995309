def count_primes_in_ranges(queries):
    answers = []
    for lo, hi in queries:
        flags = [True] * (hi + 1)
        flags[0] = False
        if hi >= 1:
            flags[1] = False
        for p in range(2, int(hi**0.5) + 1):
            if flags[p]:
                for m in range(p * p, hi + 1, p):
                    flags[m] = False
        answers.append(sum(flags[lo:]))
    return answers
