import heapq


def kth_smallest(xs, k):
    return heapq.nsmallest(k, xs)[-1]
