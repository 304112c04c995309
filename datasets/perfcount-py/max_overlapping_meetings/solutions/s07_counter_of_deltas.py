from collections import Counter


def max_overlapping_meetings(meetings):
    delta = Counter()
    for s, e in meetings:
        delta[s] += 1
        delta[e] -= 1
    best = current = 0
    for t in sorted(delta):
        current += delta[t]
        best = max(best, current)
    return best
