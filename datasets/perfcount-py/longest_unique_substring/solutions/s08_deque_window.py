from collections import deque


def longest_unique_substring(s):
    window = deque()
    inside = set()
    best = 0
    for c in s:
        if c in inside:
            while True:
                old = window.popleft()
                inside.discard(old)
                if old == c:
                    break
        window.append(c)
        inside.add(c)
        if len(window) > best:
            best = len(window)
    return best
