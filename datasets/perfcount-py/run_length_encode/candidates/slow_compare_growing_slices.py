def run_length_encode(s):
    encoded = ""
    i = 0
    while i < len(s):
        length = 1
        while i + length < len(s) and s[i : i + length + 1] == s[i] * (length + 1):
            length += 1
        encoded = encoded + str(length) + s[i]
        i += length
    return encoded
