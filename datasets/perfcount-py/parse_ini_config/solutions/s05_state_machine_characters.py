def parse_config(text):
    result = {}
    section = None
    i, n = 0, len(text)
    ws = " \t"
    while i <= n:
        j = text.find("\n", i)
        if j < 0:
            j = n
        # trim the line by moving two indices instead of slicing
        a, b = i, j
        while a < b and text[a] in ws:
            a += 1
        while b > a and text[b - 1] in ws:
            b -= 1
        i = j + 1
        if a == b or text[a] in "#;":
            continue
        if text[a] == "[" and text[b - 1] == "]":
            a += 1
            b -= 1
            while a < b and text[a] in ws:
                a += 1
            while b > a and text[b - 1] in ws:
                b -= 1
            section = text[a:b]
            result.setdefault(section, {})
            continue
        eq = text.index("=", a, b)
        ke = eq
        while ke > a and text[ke - 1] in ws:
            ke -= 1
        vs = eq + 1
        while vs < b and text[vs] in ws:
            vs += 1
        if section is None:
            section = ""
            result.setdefault("", {})
        result[section][text[a:ke]] = text[vs:b]
    return result
