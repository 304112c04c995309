def course_order(n, prerequisites):
    indegree = [0] * n
    after = [[] for _ in range(n)]
    for a, b in prerequisites:
        indegree[a] += 1
        after[b].append(a)
    done = [False] * n
    order = []
    while len(order) < n:
        available = [c for c in range(n) if not done[c] and indegree[c] == 0]
        if not available:
            return []
        course = min(available)
        done[course] = True
        order.append(course)
        for a in after[course]:
            indegree[a] -= 1
    return order
