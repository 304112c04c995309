def course_order(n, prerequisites):
    taken = set()
    order = []
    while len(order) < n:
        for course in range(n):
            if course in taken:
                continue
            if all(b in taken for a, b in prerequisites if a == course):
                taken.add(course)
                order.append(course)
                break
        else:
            return []
    return order
