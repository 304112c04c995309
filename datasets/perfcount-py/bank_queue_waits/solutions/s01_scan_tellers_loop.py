def bank_wait_times(customers, tellers):
    free_at = [0] * tellers
    waits = []
    for arrival, service in customers:
        best = 0
        for t in range(1, tellers):
            if free_at[t] < free_at[best]:
                best = t
        start = max(arrival, free_at[best])
        free_at[best] = start + service
        waits.append(start - arrival)
    return waits
