from bisect import bisect_right


def longest_increasing_subsequence(xs):
    # Uses bisect_right, so equal values extend the sequence (non-decreasing).
    tails = []
    for x in xs:
        k = bisect_right(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)
