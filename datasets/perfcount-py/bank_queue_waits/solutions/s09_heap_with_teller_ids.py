import heapq


def bank_wait_times(customers, tellers):
    heap = [(0, t) for t in range(tellers)]
    heapq.heapify(heap)
    result = []
    for arrival, service in customers:
        free_time, teller = heapq.heappop(heap)
        start = free_time if free_time > arrival else arrival
        result.append(start - arrival)
        heapq.heappush(heap, (start + service, teller))
    return result
