from bisect import bisect_left, bisect_right


def first_unique(xs):
    ordered = sorted(xs)
    for x in xs:
        if bisect_right(ordered, x) - bisect_left(ordered, x) == 1:
            return x
    return None
