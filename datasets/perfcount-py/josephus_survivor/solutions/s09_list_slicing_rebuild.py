def josephus_survivor(n, k):
    circle = list(range(1, n + 1))
    while len(circle) > 1:
        cut = (k - 1) % len(circle)
        circle = circle[cut + 1 :] + circle[:cut]
    return circle[0]
