from collections import defaultdict


def course_order(n, prerequisites):
    indegree = [0] * n
    after = defaultdict(list)
    for a, b in prerequisites:
        indegree[a] += 1
        after[b].append(a)
    ready = {c for c in range(n) if indegree[c] == 0}
    order = []
    while ready:
        course = min(ready)
        ready.remove(course)
        order.append(course)
        for a in after[course]:
            indegree[a] -= 1
            if indegree[a] == 0:
                ready.add(a)
    return order if len(order) == n else []
