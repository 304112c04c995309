def parse_config(text):
    # Splits at the last "=", so values containing "=" are cut.
    config = {}
    current = None
    for line in text.split("\n"):
        line = line.strip(" \t")
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            current = config.setdefault(line[1:-1].strip(" \t"), {})
            continue
        if current is None:
            current = config.setdefault("", {})
        key, _, value = line.rpartition("=")
        current[key.strip(" \t")] = value.strip(" \t")
    return config
