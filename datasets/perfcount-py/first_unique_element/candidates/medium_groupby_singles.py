from itertools import groupby


def first_unique(xs):
    singles = set()
    for value, group in groupby(sorted(xs)):
        if len(list(group)) == 1:
            singles.add(value)
    for x in xs:
        if x in singles:
            return x
    return None
