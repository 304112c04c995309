def parse_config(text):
    order = []  # section names in first-seen order
    pairs = {}  # section -> list of (key, value) in file order
    section = None
    for raw in text.split("\n"):
        line = raw.strip(" \t")
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            section = line[1:-1].strip(" \t")
            if section not in pairs:
                pairs[section] = []
                order.append(section)
            continue
        if section is None:
            section = ""
            pairs[""] = []
            order.append("")
        key, value = line.split("=", 1)
        pairs[section].append((key.strip(" \t"), value.strip(" \t")))
    result = {}
    for name in order:
        items = pairs[name]
        section_dict = {}
        for i, (key, value) in enumerate(items):
            # keep an assignment only if no later line in the section sets the same key
            if all(key != later for later, _ in items[i + 1 :]):
                section_dict[key] = value
        result[name] = section_dict
    return result
