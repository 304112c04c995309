from collections import Counter


def most_frequent_substring(s, k):
    """Count every window once with Counter; pick (highest count, smallest string)."""
    counts = Counter(s[i : i + k] for i in range(len(s) - k + 1))
    if not counts:
        return ""
    return min(counts, key=lambda w: (-counts[w], w))
