def count_inversions(xs):
    arr = list(xs)
    tmp = [0] * len(arr)

    def sort(lo, hi):
        if hi - lo < 2:
            return 0
        mid = (lo + hi) // 2
        inv = sort(lo, mid) + sort(mid, hi)
        i, j, k = lo, mid, lo
        while i < mid and j < hi:
            if arr[j] < arr[i]:
                tmp[k] = arr[j]
                inv += mid - i
                j += 1
            else:
                tmp[k] = arr[i]
                i += 1
            k += 1
        tmp[k : k + mid - i] = arr[i:mid]
        k += mid - i
        tmp[k : k + hi - j] = arr[j:hi]
        arr[lo:hi] = tmp[lo:hi]
        return inv

    return sort(0, len(arr))
