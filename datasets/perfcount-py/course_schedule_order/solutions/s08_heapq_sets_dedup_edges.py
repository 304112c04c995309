import heapq


def course_order(n, prerequisites):
    needs = [set() for _ in range(n)]
    unlocks = [set() for _ in range(n)]
    for a, b in prerequisites:
        needs[a].add(b)
        unlocks[b].add(a)
    heap = [c for c in range(n) if not needs[c]]
    heapq.heapify(heap)
    order = []
    while heap:
        c = heapq.heappop(heap)
        order.append(c)
        for a in unlocks[c]:
            needs[a].discard(c)
            if not needs[a]:
                heapq.heappush(heap, a)
    return order if len(order) == n else []
