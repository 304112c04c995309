import heapq


def max_overlapping_meetings(meetings):
    ends = []
    most = 0
    for start, end in sorted(meetings, key=lambda m: m[0]):
        while ends and ends[0] <= start:
            heapq.heappop(ends)
        heapq.heappush(ends, end)
        most = max(most, len(ends))
    return most
