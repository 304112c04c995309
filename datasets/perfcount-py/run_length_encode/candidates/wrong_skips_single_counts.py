def run_length_encode(s):
    result = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        # Bug: a run of length 1 is written without its count.
        result.append((str(j - i) if j - i > 1 else "") + s[i])
        i = j
    return "".join(result)
