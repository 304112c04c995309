from collections import defaultdict


def most_frequent_substring(s, k):
    counts = defaultdict(int)
    for start in range(len(s) - k + 1):
        counts[s[start : start + k]] += 1
    if not counts:
        return ""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ordered[0][0]
