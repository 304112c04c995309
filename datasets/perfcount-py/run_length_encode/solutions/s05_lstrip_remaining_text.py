def run_length_encode(s):
    pieces = []
    rest = s
    while rest:
        ch = rest[0]
        stripped = rest.lstrip(ch)
        pieces.append(str(len(rest) - len(stripped)) + ch)
        rest = stripped
    return "".join(pieces)
