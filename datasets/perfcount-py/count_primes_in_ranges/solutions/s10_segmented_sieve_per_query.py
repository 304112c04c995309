from math import isqrt


def count_primes_in_ranges(queries):
    if not queries:
        return []
    root = isqrt(max(hi for _, hi in queries))
    base = [p for p in range(2, root + 1) if all(p % q for q in range(2, isqrt(p) + 1))]
    answers = []
    for lo, hi in queries:
        start = max(lo, 2)
        if start > hi:
            answers.append(0)
            continue
        alive = [True] * (hi - start + 1)
        for p in base:
            first = max(p * p, (start + p - 1) // p * p)
            for m in range(first, hi + 1, p):
                alive[m - start] = False
        answers.append(sum(alive))
    return answers
