from collections import Counter


def sort_by_frequency(xs):
    items = sorted(Counter(xs).items(), key=lambda kv: (-kv[1], kv[0]))
    return [value for value, c in items for _ in range(c)]
