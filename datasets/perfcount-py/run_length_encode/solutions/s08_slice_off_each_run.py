def run_length_encode(s):
    out = []
    while s:
        count = 1
        while count < len(s) and s[count] == s[0]:
            count += 1
        out.append(str(count))
        out.append(s[0])
        s = s[count:]
    return "".join(out)
