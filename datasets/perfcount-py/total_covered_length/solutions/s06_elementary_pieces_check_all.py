def total_covered_length(segments):
    xs = sorted({x for seg in segments for x in seg})
    total = 0
    for left, right in zip(xs, xs[1:]):
        if any(a <= left and right <= b for a, b in segments):
            total += right - left
    return total
