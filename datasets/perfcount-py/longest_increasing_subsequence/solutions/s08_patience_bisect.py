from bisect import bisect_left


def longest_increasing_subsequence(xs):
    tails = []
    for x in xs:
        k = bisect_left(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)
