from itertools import pairwise


def total_covered_length(segments):
    points = sorted(set(x for s in segments for x in s))
    change = {p: 0 for p in points}
    for a, b in segments:
        change[a] += 1
        change[b] -= 1
    total = active = 0
    for left, right in pairwise(points):
        active += change[left]
        if active > 0:
            total += right - left
    return total
