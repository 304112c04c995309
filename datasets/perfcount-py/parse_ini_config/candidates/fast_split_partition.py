def parse_config(text):
    config = {}
    current = None
    for line in text.split("\n"):
        line = line.strip(" \t")
        if not line or line.startswith(("#", ";")):
            continue
        if line[0] == "[" and line[-1] == "]":
            current = config.setdefault(line[1:-1].strip(" \t"), {})
        else:
            if current is None:
                current = config.setdefault("", {})
            name, _, val = line.partition("=")
            current[name.strip(" \t")] = val.strip(" \t")
    return config
