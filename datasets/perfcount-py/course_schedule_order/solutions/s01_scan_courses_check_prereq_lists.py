def course_order(n, prerequisites):
    needs = [[] for _ in range(n)]
    for a, b in prerequisites:
        needs[a].append(b)
    taken = [False] * n
    order = []
    for _ in range(n):
        for course in range(n):
            if not taken[course] and all(taken[p] for p in needs[course]):
                taken[course] = True
                order.append(course)
                break
        else:
            return []
    return order
