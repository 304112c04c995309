def run_length_encode(s):
    if not s:
        return ""
    out = ""
    current = s[0]
    count = 0
    for ch in s:
        if ch == current:
            count += 1
        else:
            out = out + str(count) + current
            current = ch
            count = 1
    out = out + str(count) + current
    return out
