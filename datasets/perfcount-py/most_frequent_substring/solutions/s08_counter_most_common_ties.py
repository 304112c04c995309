from collections import Counter


def most_frequent_substring(s, k):
    if k > len(s):
        return ""
    ranked = Counter(s[i : i + k] for i in range(len(s) - k + 1)).most_common()
    top = ranked[0][1]
    return min(w for w, c in ranked if c == top)
