def first_unique(xs):
    for x in xs:
        if xs.count(x) == 1:
            return x
    return None
