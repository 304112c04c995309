def first_unique(xs):
    for i, x in enumerate(xs):
        if x not in xs[:i] and x not in xs[i + 1 :]:
            return x
    return None
