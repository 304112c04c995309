def run_length_encode(s):
    """Scan once, collect pieces in a list, join at the end."""
    pieces = []
    i = 0
    n = len(s)
    while i < n:
        j = i + 1
        while j < n and s[j] == s[i]:
            j += 1
        pieces.append(f"{j - i}{s[i]}")
        i = j
    return "".join(pieces)
