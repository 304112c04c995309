def josephus_survivor(n, k):
    table = [0] * (n + 1)  # table[m] = 0-based survivor for m people
    for m in range(2, n + 1):
        table[m] = (table[m - 1] + k) % m
    return table[n] + 1
