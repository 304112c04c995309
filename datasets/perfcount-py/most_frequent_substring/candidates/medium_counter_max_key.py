from collections import Counter


def most_frequent_substring(s, k):
    if k > len(s):
        return ""
    c = Counter(s[i : i + k] for i in range(len(s) - k + 1))
    return max(c, key=lambda w: (c[w], [-ord(ch) for ch in w]))
