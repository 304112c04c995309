def count_coprime_pairs(xs):
    prime_bit = {}
    masks = []
    for x in xs:
        mask = 0
        d = 2
        while d * d <= x:
            if x % d == 0:
                mask |= 1 << prime_bit.setdefault(d, len(prime_bit))
                while x % d == 0:
                    x //= d
            d += 1
        if x > 1:
            mask |= 1 << prime_bit.setdefault(x, len(prime_bit))
        masks.append(mask)
    count = 0
    for i, a in enumerate(masks):
        for b in masks[i + 1 :]:
            if not a & b:
                count += 1
    return count
