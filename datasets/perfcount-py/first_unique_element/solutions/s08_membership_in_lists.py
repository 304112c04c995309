def first_unique(xs):
    seen = []
    repeated = []
    for x in xs:
        if x in seen:
            if x not in repeated:
                repeated.append(x)
        else:
            seen.append(x)
    for x in xs:
        if x not in repeated:
            return x
    return None
