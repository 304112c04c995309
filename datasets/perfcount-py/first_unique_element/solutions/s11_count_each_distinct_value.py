def first_unique(xs):
    counts = {x: xs.count(x) for x in set(xs)}
    for x in xs:
        if counts[x] == 1:
            return x
    return None
