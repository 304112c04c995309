from collections import OrderedDict


def first_unique(xs):
    candidates = OrderedDict()
    dropped = set()
    for x in xs:
        if x in dropped:
            continue
        if x in candidates:
            del candidates[x]
            dropped.add(x)
        else:
            candidates[x] = True
    return next(iter(candidates), None)
