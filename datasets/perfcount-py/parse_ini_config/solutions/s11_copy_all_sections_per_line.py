def parse_config(text):
    result = {}
    section = None
    for raw in text.split("\n"):
        line = raw.strip(" \t")
        if not line or line[0] in "#;":
            continue
        # work on a fresh copy so a bad line could never leave a half-updated result
        updated = {name: dict(keys) for name, keys in result.items()}
        if line[0] == "[" and line[-1] == "]":
            section = line[1:-1].strip(" \t")
            updated.setdefault(section, {})
        else:
            if section is None:
                section = ""
            key, _, value = line.partition("=")
            updated.setdefault(section, {})[key.strip(" \t")] = value.strip(" \t")
        result = updated
    return result
