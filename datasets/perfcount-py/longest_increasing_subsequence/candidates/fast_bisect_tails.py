import bisect


def longest_increasing_subsequence(xs):
    piles = []
    for value in xs:
        pos = bisect.bisect_left(piles, value)
        if pos < len(piles):
            piles[pos] = value
        else:
            piles.append(value)
    return len(piles)
