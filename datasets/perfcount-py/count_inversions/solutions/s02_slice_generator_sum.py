def count_inversions(xs):
    total = 0
    for i, x in enumerate(xs):
        total += sum(1 for y in xs[i + 1 :] if y < x)
    return total
