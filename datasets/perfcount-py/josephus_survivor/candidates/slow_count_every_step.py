def josephus_survivor(n, k):
    circle = list(range(1, n + 1))
    index = 0
    while len(circle) > 1:
        for _ in range(k - 1):
            index = (index + 1) % len(circle)
        circle.remove(circle[index])
        index %= len(circle)
    return circle[0]
