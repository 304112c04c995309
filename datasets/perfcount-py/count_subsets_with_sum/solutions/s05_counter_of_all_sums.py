from collections import Counter


def count_subsets_with_sum(xs, target):
    sums = Counter({0: 1})
    for x in xs:
        new = Counter(sums)
        for s, c in sums.items():
            new[s + x] += c
        sums = new
    return sums[target]
