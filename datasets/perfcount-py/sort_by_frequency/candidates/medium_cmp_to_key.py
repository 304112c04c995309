from functools import cmp_to_key


def sort_by_frequency(xs):
    freq = {}
    for x in xs:
        freq[x] = freq.get(x, 0) + 1

    def compare(a, b):
        if freq[a] != freq[b]:
            return freq[b] - freq[a]
        return (a > b) - (a < b)

    return sorted(xs, key=cmp_to_key(compare))
