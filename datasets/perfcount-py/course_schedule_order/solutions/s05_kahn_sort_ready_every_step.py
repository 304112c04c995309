def course_order(n, prerequisites):
    indegree = [0] * n
    after = [[] for _ in range(n)]
    for a, b in prerequisites:
        indegree[a] += 1
        after[b].append(a)
    ready = [c for c in range(n) if indegree[c] == 0]
    order = []
    while ready:
        ready.sort()
        course = ready.pop(0)
        order.append(course)
        for a in after[course]:
            indegree[a] -= 1
            if indegree[a] == 0:
                ready.append(a)
    return order if len(order) == n else []
