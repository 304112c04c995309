import random


def kth_smallest(xs, k):
    rng = random.Random(0)

    def select(items, k):
        pivot = rng.choice(items)
        smaller = [x for x in items if x < pivot]
        larger = [x for x in items if x > pivot]
        n_equal = len(items) - len(smaller) - len(larger)
        if k <= len(smaller):
            return select(smaller, k)
        if k <= len(smaller) + n_equal:
            return pivot
        return select(larger, k - len(smaller) - n_equal)

    return select(list(xs), k)
