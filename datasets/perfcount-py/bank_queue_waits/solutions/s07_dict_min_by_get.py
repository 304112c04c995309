def bank_wait_times(customers, tellers):
    free_at = {t: 0 for t in range(tellers)}
    waits = []
    for arrival, service in customers:
        teller = min(free_at, key=free_at.get)
        start = max(arrival, free_at[teller])
        free_at[teller] = start + service
        waits.append(start - arrival)
    return waits
