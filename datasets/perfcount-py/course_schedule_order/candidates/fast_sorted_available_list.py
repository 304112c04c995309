def course_order(n, prerequisites):
    pending = [0] * n
    graph = [[] for _ in range(n)]
    for course, pre in prerequisites:
        pending[course] += 1
        graph[pre].append(course)
    available = sorted(c for c in range(n) if pending[c] == 0)
    result = []
    while available:
        c = available.pop(0)
        result.append(c)
        for nxt in graph[c]:
            pending[nxt] -= 1
            if pending[nxt] == 0:
                available.append(nxt)
                available.sort()
    return result if len(result) == n else []
