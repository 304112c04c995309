import bisect


def count_inversions(xs):
    # For each element, count the larger elements before it by re-sorting the
    # prefix every 256 elements and scanning the unsorted tail by hand.
    total = 0
    sorted_prefix = []
    tail = []
    for x in xs:
        total += len(sorted_prefix) - bisect.bisect_right(sorted_prefix, x)
        total += sum(1 for y in tail if y > x)
        tail.append(x)
        if len(tail) == 256:
            sorted_prefix = sorted(sorted_prefix + tail)
            tail = []
    return total
