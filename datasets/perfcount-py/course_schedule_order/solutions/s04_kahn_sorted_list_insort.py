from bisect import insort


def course_order(n, prerequisites):
    indegree = [0] * n
    after = [[] for _ in range(n)]
    for a, b in prerequisites:
        indegree[a] += 1
        after[b].append(a)
    ready = [c for c in range(n) if indegree[c] == 0]  # kept sorted descending by negation
    ready = sorted(ready, reverse=True)
    order = []
    while ready:
        course = ready.pop()  # smallest is at the end
        order.append(course)
        for a in after[course]:
            indegree[a] -= 1
            if indegree[a] == 0:
                insort(ready, a, key=lambda x: -x)
    return order if len(order) == n else []
