def kth_smallest(xs, k):
    a = list(xs)
    end = len(a) - 1
    swapped = True
    while swapped:
        swapped = False
        for i in range(end):
            if a[i] > a[i + 1]:
                a[i], a[i + 1] = a[i + 1], a[i]
                swapped = True
        end -= 1
    return a[k - 1]
