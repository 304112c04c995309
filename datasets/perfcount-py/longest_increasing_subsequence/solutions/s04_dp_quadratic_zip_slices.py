def longest_increasing_subsequence(xs):
    dp = []
    for i in range(len(xs)):
        best = 0
        for value, length in zip(xs[:i], dp[:i]):
            if value < xs[i] and length > best:
                best = length
        dp.append(best + 1)
    return max(dp) if dp else 0
