def longest_increasing_subsequence(xs):
    tails = []
    for x in xs:
        for k in range(len(tails)):
            if tails[k] >= x:
                tails[k] = x
                break
        else:
            tails.append(x)
    return len(tails)
