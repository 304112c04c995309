def bank_wait_times(customers, tellers):
    free_at = [0] * tellers  # sorted ascending after every update
    waits = []
    for arrival, service in customers:
        start = max(arrival, free_at[0])
        free_at[0] = start + service
        free_at.sort()
        waits.append(start - arrival)
    return waits
