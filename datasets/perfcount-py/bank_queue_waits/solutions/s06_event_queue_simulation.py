import heapq
from collections import deque


def bank_wait_times(customers, tellers):
    # Discrete-event simulation: arrivals and departures in one event heap.
    ARRIVE, DEPART = 1, 0  # departures first at equal times free a teller
    events = [(arrival, ARRIVE, i) for i, (arrival, _) in enumerate(customers)]
    heapq.heapify(events)
    waiting = deque()
    idle = tellers
    waits = [0] * len(customers)
    while events:
        now, kind, i = heapq.heappop(events)
        if kind == DEPART:
            idle += 1
        else:
            waiting.append(i)
        if events and events[0][0] == now and events[0][1] == DEPART:
            continue
        while idle and waiting:
            j = waiting.popleft()
            idle -= 1
            waits[j] = now - customers[j][0]
            heapq.heappush(events, (now + customers[j][1], DEPART, j))
    return waits
