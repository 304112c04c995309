import bisect


def count_inversions(xs):
    def solve(lo, hi):
        if hi - lo <= 1:
            return 0
        mid = (lo + hi) // 2
        total = solve(lo, mid) + solve(mid, hi)
        right_sorted = sorted(xs[mid:hi])
        for x in xs[lo:mid]:
            total += bisect.bisect_left(right_sorted, x)
        return total

    return solve(0, len(xs))
