def total_covered_length(segments):
    covered = set()
    for a, b in segments:
        for x in range(a, b):
            covered.add(x)
    return len(covered)
