def sort_by_frequency(xs):
    def key(x):
        return (-len([y for y in xs if y == x]), x)

    return sorted(xs, key=key)
