def first_unique(xs):
    uniques = [x for x in xs if xs.count(x) == 1]
    return uniques[0] if uniques else None
