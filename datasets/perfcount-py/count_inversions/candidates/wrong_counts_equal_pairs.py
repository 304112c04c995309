def count_inversions(xs):
    # Bug: counts equal pairs as inversions too (>= instead of >).
    arr = list(xs)
    tmp = [0] * len(arr)

    def sort(lo, hi):
        if hi - lo < 2:
            return 0
        mid = (lo + hi) // 2
        inv = sort(lo, mid) + sort(mid, hi)
        i, j, k = lo, mid, lo
        while i < mid and j < hi:
            if arr[j] <= arr[i]:
                tmp[k] = arr[j]
                inv += mid - i
                j += 1
            else:
                tmp[k] = arr[i]
                i += 1
            k += 1
        while i < mid:
            tmp[k] = arr[i]
            i += 1
            k += 1
        while j < hi:
            tmp[k] = arr[j]
            j += 1
            k += 1
        arr[lo:hi] = tmp[lo:hi]
        return inv

    return sort(0, len(arr))
