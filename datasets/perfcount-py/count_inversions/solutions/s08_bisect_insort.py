import bisect


def count_inversions(xs):
    seen = []
    inversions = 0
    for x in xs:
        pos = bisect.bisect_right(seen, x)
        inversions += len(seen) - pos
        bisect.insort(seen, x)
    return inversions
