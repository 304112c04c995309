def josephus_survivor(n, k):
    if k == 1:
        return n
    people = list(range(1, n + 1))
    counted = 0  # how far the count has got before the start of this pass
    while len(people) > 1:
        size = len(people)
        people = [p for i, p in enumerate(people) if (counted + i + 1) % k != 0]
        counted = (counted + size) % k
    return people[0]
