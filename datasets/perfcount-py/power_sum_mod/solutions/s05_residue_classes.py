def power_sum_mod(n, e, m):
    # k**e mod m depends only on k mod m; residue r occurs q or q + 1 times in 1..n.
    q, extra = divmod(n, m)
    total = 0
    for r in range(m):
        times = q + (1 if 1 <= r <= extra else 0)
        if times:
            total += times * pow(r, e, m)
    return total % m
