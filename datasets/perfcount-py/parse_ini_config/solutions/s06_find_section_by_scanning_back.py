def parse_config(text):
    lines = [line.strip(" \t") for line in text.split("\n")]
    result = {}
    for idx, line in enumerate(lines):
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            result.setdefault(line[1:-1].strip(" \t"), {})
            continue
        # which section is this key in? walk back to the nearest header
        section = ""
        for k in range(idx - 1, -1, -1):
            prev = lines[k]
            if prev and prev[0] == "[" and prev[-1] == "]":
                section = prev[1:-1].strip(" \t")
                break
        key, value = line.split("=", 1)
        result.setdefault(section, {})[key.strip(" \t")] = value.strip(" \t")
    return result
