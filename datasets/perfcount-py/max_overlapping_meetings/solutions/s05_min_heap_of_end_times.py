import heapq


def max_overlapping_meetings(meetings):
    rooms = []
    for s, e in sorted(meetings):
        if rooms and rooms[0] <= s:
            heapq.heapreplace(rooms, e)
        else:
            heapq.heappush(rooms, e)
    return len(rooms)
