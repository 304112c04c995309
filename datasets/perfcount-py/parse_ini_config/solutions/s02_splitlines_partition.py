def parse_config(text):
    result = {}
    current = None
    for raw in text.split("\n"):
        line = raw.strip(" \t")
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip(" \t")
            current = result.setdefault(name, {})
            continue
        key, _, value = line.partition("=")
        if current is None:
            current = result.setdefault("", {})
        current[key.strip(" \t")] = value.strip(" \t")
    return result
