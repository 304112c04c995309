def run_length_encode(s):
    runs = []
    for i in range(len(s)):
        if i > 0 and s[i] == s[i - 1]:
            runs[-1][1] += 1
        else:
            runs.append([s[i], 1])
    return "".join(str(count) + ch for ch, count in runs)
