from heapq import heapreplace


def bank_wait_times(customers, tellers):
    free = [0] * tellers
    waits = []
    for arrival, service in customers:
        start = arrival if arrival > free[0] else free[0]
        waits.append(start - arrival)
        heapreplace(free, start + service)
    return waits
