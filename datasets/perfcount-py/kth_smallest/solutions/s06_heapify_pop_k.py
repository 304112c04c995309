import heapq


def kth_smallest(xs, k):
    heap = list(xs)
    heapq.heapify(heap)
    for _ in range(k - 1):
        heapq.heappop(heap)
    return heap[0]
