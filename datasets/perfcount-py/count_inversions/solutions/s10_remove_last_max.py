def count_inversions(xs):
    # Repeatedly remove the last occurrence of the maximum: every element
    # after it is smaller, so each forms one inversion with it.
    a = list(xs)
    total = 0
    while a:
        m = max(a)
        idx = len(a) - 1 - a[::-1].index(m)
        total += len(a) - 1 - idx
        a.pop(idx)
    return total
