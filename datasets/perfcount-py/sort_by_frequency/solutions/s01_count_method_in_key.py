def sort_by_frequency(xs):
    return sorted(xs, key=lambda x: (-xs.count(x), x))
