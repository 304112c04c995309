from collections import Counter


def first_unique(xs):
    freq = Counter(xs)
    return next((x for x in xs if freq[x] == 1), None)
