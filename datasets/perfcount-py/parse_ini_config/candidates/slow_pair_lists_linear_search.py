def parse_config(text):
    sections = []  # list of (name, [(key, value), ...])
    entries = None
    for line in text.split("\n"):
        line = line.strip(" \t")
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            name = line[1:-1].strip(" \t")
            for existing, items in sections:
                if existing == name:
                    entries = items
                    break
            else:
                entries = []
                sections.append((name, entries))
            continue
        if entries is None:
            entries = []
            sections.append(("", entries))
        key, value = line.split("=", 1)
        key, value = key.strip(" \t"), value.strip(" \t")
        for i, (k, _) in enumerate(entries):
            if k == key:
                entries[i] = (key, value)
                break
        else:
            entries.append((key, value))
    return {name: dict(items) for name, items in sections}
