from collections import defaultdict


def count_pairs_with_difference(xs, k):
    positions = defaultdict(list)
    for i, x in enumerate(xs):
        positions[x].append(i)
    total = 0
    for i, x in enumerate(xs):
        for j in positions.get(x + k, ()):
            if j > i:
                total += 1
        if k:
            for j in positions.get(x - k, ()):
                if j > i:
                    total += 1
    return total
