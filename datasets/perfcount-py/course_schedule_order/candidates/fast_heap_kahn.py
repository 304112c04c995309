from heapq import heapify, heappop, heappush


def course_order(n, prerequisites):
    graph = {c: [] for c in range(n)}
    pending = [0] * n
    for course, pre in prerequisites:
        graph[pre].append(course)
        pending[course] += 1
    heap = [c for c in range(n) if pending[c] == 0]
    heapify(heap)
    result = []
    while heap:
        c = heappop(heap)
        result.append(c)
        for nxt in graph[c]:
            pending[nxt] -= 1
            if pending[nxt] == 0:
                heappush(heap, nxt)
    return result if len(result) == n else []
