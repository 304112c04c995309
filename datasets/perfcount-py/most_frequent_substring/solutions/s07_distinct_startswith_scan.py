def most_frequent_substring(s, k):
    positions = range(len(s) - k + 1)
    distinct = set(s[i : i + k] for i in positions)
    if not distinct:
        return ""
    counts = {w: sum(1 for i in positions if s.startswith(w, i)) for w in distinct}
    top = max(counts.values())
    return min(w for w, c in counts.items() if c == top)
