def parse_config(text):
    result = {}
    section = None
    for raw in text.split("\n"):
        line = raw.strip(" \t")
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            section = line[1:-1].strip(" \t")
            result = {**result, section: result.get(section, {})}
            continue
        key, value = (part.strip(" \t") for part in line.split("=", 1))
        if section is None:
            section = ""
        # rebuild the section dictionary instead of updating it in place
        result = {**result, section: {**result.get(section, {}), key: value}}
    return result
