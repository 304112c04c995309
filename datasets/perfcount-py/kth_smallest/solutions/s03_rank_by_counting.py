def kth_smallest(xs, k):
    # x is the answer when fewer than k elements are smaller and at least k
    # elements are smaller or equal.
    for x in xs:
        less = sum(1 for y in xs if y < x)
        if less < k:
            equal = sum(1 for y in xs if y == x)
            if less + equal >= k:
                return x
    raise ValueError("k out of range")
