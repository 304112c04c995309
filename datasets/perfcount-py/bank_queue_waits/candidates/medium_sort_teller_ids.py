def bank_wait_times(customers, tellers):
    free_at = [0] * tellers
    out = []
    for arrival, service in customers:
        teller = sorted(range(tellers), key=lambda t: free_at[t])[0]
        start = max(arrival, free_at[teller])
        free_at[teller] = start + service
        out.append(start - arrival)
    return out
