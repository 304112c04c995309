import bisect


def bank_wait_times(customers, tellers):
    free_at = [0] * tellers  # kept sorted
    waits = []
    for arrival, service in customers:
        start = max(arrival, free_at.pop(0))
        bisect.insort(free_at, start + service)
        waits.append(start - arrival)
    return waits
