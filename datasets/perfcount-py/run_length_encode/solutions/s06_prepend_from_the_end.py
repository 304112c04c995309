def run_length_encode(s):
    result = ""
    i = len(s) - 1
    while i >= 0:
        j = i
        while j > 0 and s[j - 1] == s[i]:
            j -= 1
        result = str(i - j + 1) + s[i] + result
        i = j - 1
    return result
