def parse_config(text):
    lines = []
    current = ""
    for ch in text:
        if ch == "\n":
            lines.append(current)
            current = ""
        else:
            current = current + ch
    lines.append(current)
    result = {}
    section = None
    for raw in lines:
        line = raw.strip(" \t")
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            section = line[1:-1].strip(" \t")
            if section not in result:
                result[section] = {}
            continue
        eq = line.index("=")
        if section is None:
            section = ""
            result.setdefault("", {})
        result[section][line[:eq].strip(" \t")] = line[eq + 1 :].strip(" \t")
    return result
