def bank_wait_times(customers, tellers):
    # The tellers' free times are always the `tellers` largest finish times so
    # far (padded with zeros), so re-sort every finish time for each customer.
    finishes = [0] * tellers
    waits = []
    for arrival, service in customers:
        earliest = sorted(finishes, reverse=True)[tellers - 1]
        start = max(arrival, earliest)
        finishes.append(start + service)
        waits.append(start - arrival)
    return waits
