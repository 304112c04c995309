def power_sum_mod(n, e, m):
    full, rest = divmod(n, m)
    cycle = [pow(r, e, m) for r in range(m)] if full else []
    answer = full * sum(cycle)
    answer += sum(pow(r, e, m) for r in range(1, rest + 1))
    return answer % m
