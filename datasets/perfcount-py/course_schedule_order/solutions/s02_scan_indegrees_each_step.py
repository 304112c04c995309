def course_order(n, prerequisites):
    indegree = [0] * n
    after = [[] for _ in range(n)]
    for a, b in prerequisites:
        indegree[a] += 1
        after[b].append(a)
    done = [False] * n
    order = []
    for _ in range(n):
        nxt = -1
        for course in range(n):
            if not done[course] and indegree[course] == 0:
                nxt = course
                break
        if nxt < 0:
            return []
        done[nxt] = True
        order.append(nxt)
        for a in after[nxt]:
            indegree[a] -= 1
    return order
