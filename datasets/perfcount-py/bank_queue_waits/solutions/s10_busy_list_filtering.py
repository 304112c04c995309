def bank_wait_times(customers, tellers):
    busy_until = []  # finish times of tellers busy at some point
    waits = []
    for arrival, service in customers:
        busy_until = [f for f in busy_until if f > arrival]  # tellers freed by now
        if len(busy_until) < tellers:
            start = arrival
        else:
            start = min(busy_until)
            busy_until.remove(start)
        busy_until.append(start + service)
        waits.append(start - arrival)
    return waits
