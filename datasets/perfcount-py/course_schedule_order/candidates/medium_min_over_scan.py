def course_order(n, prerequisites):
    indeg = [0] * n
    nexts = [[] for _ in range(n)]
    for course, pre in prerequisites:
        indeg[course] += 1
        nexts[pre].append(course)
    taken = [False] * n
    result = []
    for _ in range(n):
        try:
            pick = min(c for c in range(n) if not taken[c] and indeg[c] == 0)
        except ValueError:
            return []
        taken[pick] = True
        result.append(pick)
        for c in nexts[pick]:
            indeg[c] -= 1
    return result
