def bank_wait_times(customers, tellers):
    free_at = [0] * tellers
    waits = []
    for arrival, service in customers:
        earliest = min(free_at)
        teller = free_at.index(earliest)
        start = max(arrival, earliest)
        free_at[teller] = start + service
        waits.append(start - arrival)
    return waits
