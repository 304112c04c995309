def bank_wait_times(customers, tellers):
    free_at = [0] * tellers
    waits = []
    for arrival, service in customers:
        starts = [max(arrival, f) for f in free_at]
        start = min(starts)
        free_at[starts.index(start)] = start + service
        waits.append(start - arrival)
    return waits
