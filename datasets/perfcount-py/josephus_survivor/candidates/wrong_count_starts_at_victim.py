def josephus_survivor(n, k):
    people = list(range(1, n + 1))
    i = 0
    while len(people) > 1:
        # Bug: steps k places instead of k - 1 from the current position.
        i = (i + k) % len(people)
        people.pop(i)
    return people[0]
