import heapq


def bank_wait_times(customers, tellers):
    """The earliest-free teller is the heap top; replace it with its new finish time."""
    free_at = [0] * tellers
    waits = []
    for arrival, service in customers:
        start = max(arrival, free_at[0])
        heapq.heapreplace(free_at, start + service)
        waits.append(start - arrival)
    return waits
