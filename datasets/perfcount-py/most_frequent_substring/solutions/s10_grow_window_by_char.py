def most_frequent_substring(s, k):
    counts = {}
    window = ""
    for ch in s:
        window += ch
        if len(window) > k:
            window = window[1:]
        if len(window) == k:
            if window in counts:
                counts[window] += 1
            else:
                counts[window] = 1
    best = ""
    for w in sorted(counts):
        if best == "" or counts[w] > counts[best]:
            best = w
    return best
