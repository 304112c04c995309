def count_inversions(xs):
    return sum(len([j for j in range(i + 1, len(xs)) if xs[j] < xs[i]]) for i in range(len(xs)))
