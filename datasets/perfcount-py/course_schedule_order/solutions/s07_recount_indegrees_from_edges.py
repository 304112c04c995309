def course_order(n, prerequisites):
    remaining = set(range(n))
    edges = [(a, b) for a, b in prerequisites]
    order = []
    while remaining:
        blocked = {a for a, b in edges if b in remaining}
        free = [c for c in remaining if c not in blocked]
        if not free:
            return []
        course = min(free)
        order.append(course)
        remaining.discard(course)
    return order
