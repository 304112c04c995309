from collections import deque


def bank_wait_times(customers, tellers):
    # Correct, but advances the clock one time unit at a time.
    busy_until = [0] * tellers
    queue = deque()
    waits = [0] * len(customers)
    nxt = 0
    served = 0
    clock = 0
    while served < len(customers):
        while nxt < len(customers) and customers[nxt][0] == clock:
            queue.append(nxt)
            nxt += 1
        for t in range(tellers):
            while queue and busy_until[t] <= clock:
                i = queue.popleft()
                waits[i] = clock - customers[i][0]
                busy_until[t] = clock + customers[i][1]
                served += 1
        clock += 1
    return waits
