def josephus_survivor(n, k):
    """Simulate with a list: the next victim is k - 1 places after the last one."""
    people = list(range(1, n + 1))
    idx = 0
    while len(people) > 1:
        idx = (idx + k - 1) % len(people)
        people.pop(idx)
    return people[0]
