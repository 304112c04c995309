from itertools import combinations


def count_subsets_with_sum(xs, target):
    total = 0
    for size in range(len(xs) + 1):
        for combo in combinations(xs, size):
            if sum(combo) == target:
                total += 1
    return total
