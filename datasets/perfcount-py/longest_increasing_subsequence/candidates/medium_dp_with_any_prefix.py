def longest_increasing_subsequence(xs):
    if not xs:
        return 0
    lengths = [1] * len(xs)
    for i in range(1, len(xs)):
        for j in range(i):
            if xs[j] < xs[i]:
                lengths[i] = max(lengths[i], lengths[j] + 1)
    return max(lengths)
