def first_unique(xs):
    seen = set()
    repeated = set()
    for x in xs:
        if x in seen:
            repeated.add(x)
        else:
            seen.add(x)
    for x in xs:
        if x not in repeated:
            return x
    return None
