def count_inversions(xs):
    ranks = {v: r + 1 for r, v in enumerate(sorted(set(xs)))}
    size = len(ranks)
    tree = [0] * (size + 1)
    seen = 0
    inversions = 0
    for x in xs:
        r = ranks[x]
        # count of earlier elements <= x
        le = 0
        i = r
        while i > 0:
            le += tree[i]
            i -= i & -i
        inversions += seen - le
        i = r
        while i <= size:
            tree[i] += 1
            i += i & -i
        seen += 1
    return inversions
