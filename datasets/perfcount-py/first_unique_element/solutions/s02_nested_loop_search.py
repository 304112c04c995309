def first_unique(xs):
    n = len(xs)
    for i in range(n):
        repeated = False
        for j in range(n):
            if j != i and xs[j] == xs[i]:
                repeated = True
                break
        if not repeated:
            return xs[i]
    return None
