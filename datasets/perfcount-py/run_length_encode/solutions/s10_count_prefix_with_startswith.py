def run_length_encode(s):
    out = []
    i = 0
    while i < len(s):
        ch = s[i]
        length = 1
        while s.startswith(ch * (length + 1), i):
            length += 1
        out.append(f"{length}{ch}")
        i += length
    return "".join(out)
