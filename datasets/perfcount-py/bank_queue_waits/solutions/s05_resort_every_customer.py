def bank_wait_times(customers, tellers):
    free_at = [0] * tellers
    waits = []
    for arrival, service in customers:
        free_at = sorted(free_at)
        start = max(arrival, free_at[0])
        free_at[0] = start + service
        waits.append(start - arrival)
    return waits
