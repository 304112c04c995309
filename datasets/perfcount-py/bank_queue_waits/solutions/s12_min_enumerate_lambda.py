def bank_wait_times(customers, tellers):
    free_at = [0] * tellers
    waits = []
    for arrival, service in customers:
        teller, earliest = min(enumerate(free_at), key=lambda pair: pair[1])
        start = max(arrival, earliest)
        free_at[teller] = start + service
        waits.append(start - arrival)
    return waits
