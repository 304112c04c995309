import heapq


def kth_smallest(xs, k):
    # Keep the k smallest seen so far in a max-heap (negated values).
    heap = []
    for x in xs:
        if len(heap) < k:
            heapq.heappush(heap, -x)
        elif -heap[0] > x:
            heapq.heapreplace(heap, -x)
    return -heap[0]
