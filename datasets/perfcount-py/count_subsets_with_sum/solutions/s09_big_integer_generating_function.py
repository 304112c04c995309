def count_subsets_with_sum(xs, target):
    # prod (1 + z^x) with each coefficient in its own bit field of a big integer;
    # a count never exceeds 2^len(xs), so len(xs) + 1 bits per field suffice.
    width = len(xs) + 1
    mask_all = (1 << (width * (target + 1))) - 1
    poly = 1
    for x in xs:
        poly = (poly + (poly << (width * x))) & mask_all
    return (poly >> (width * target)) & ((1 << width) - 1)
