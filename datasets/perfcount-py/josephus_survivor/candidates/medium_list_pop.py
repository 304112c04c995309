def josephus_survivor(n, k):
    circle = [i + 1 for i in range(n)]
    current = 0
    while len(circle) > 1:
        current = (current + k - 1) % len(circle)
        del circle[current]
    return circle[0]
