def total_covered_length(segments):
    # Only subtracts overlaps between consecutive segments: nested ones are double counted.
    ordered = sorted(segments)
    total = 0
    for i, (a, b) in enumerate(ordered):
        total += b - a
        if i and a < ordered[i - 1][1]:
            total -= min(b, ordered[i - 1][1]) - a
    return total
