def first_unique(xs):
    rest = list(xs)
    while rest:
        x = rest.pop(0)
        if x not in rest:
            return x
        while x in rest:
            rest.remove(x)
    return None
