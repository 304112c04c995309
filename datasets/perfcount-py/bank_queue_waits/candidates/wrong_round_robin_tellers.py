def bank_wait_times(customers, tellers):
    free_at = [0] * tellers
    waits = []
    for i, (arrival, service) in enumerate(customers):
        # Bug: customers are sent to tellers in turn, not to the first free one.
        teller = i % tellers
        start = max(arrival, free_at[teller])
        free_at[teller] = start + service
        waits.append(start - arrival)
    return waits
