def count_subsets_with_sum(xs, target):
    sums = {0: 1}
    for x in xs:
        for s, c in list(sums.items()):
            t = s + x
            if t <= target:
                sums[t] = sums.get(t, 0) + c
    return sums.get(target, 0)
