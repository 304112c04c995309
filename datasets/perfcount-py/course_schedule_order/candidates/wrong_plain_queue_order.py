from collections import deque


def course_order(n, prerequisites):
    # Valid order, but FIFO Kahn is not the lexicographically smallest one.
    pending = [0] * n
    graph = [[] for _ in range(n)]
    for course, pre in prerequisites:
        pending[course] += 1
        graph[pre].append(course)
    queue = deque(c for c in range(n) if pending[c] == 0)
    result = []
    while queue:
        c = queue.popleft()
        result.append(c)
        for nxt in graph[c]:
            pending[nxt] -= 1
            if pending[nxt] == 0:
                queue.append(nxt)
    return result if len(result) == n else []
