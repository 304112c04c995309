import heapq


def course_order(n, prerequisites):
    indegree = [0] * n
    after = [[] for _ in range(n)]
    for a, b in prerequisites:
        indegree[a] += 1
        after[b].append(a)
    ready = [c for c in range(n) if indegree[c] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        course = heapq.heappop(ready)
        order.append(course)
        for a in after[course]:
            indegree[a] -= 1
            if indegree[a] == 0:
                heapq.heappush(ready, a)
    return order if len(order) == n else []
