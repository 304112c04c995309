def total_covered_length(segments):
    covered = set()
    for a, b in segments:
        covered.update(range(a, b))
    return len(covered)
