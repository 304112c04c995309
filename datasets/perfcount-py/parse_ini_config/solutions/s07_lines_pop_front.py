def parse_config(text):
    pending = text.split("\n")
    result = {}
    section = None
    while pending:
        line = pending.pop(0).strip(" \t")
        if line == "" or line.startswith("#") or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip(" \t")
            if section not in result:
                result[section] = {}
        else:
            parts = line.split("=")
            key = parts[0].strip(" \t")
            value = "=".join(parts[1:]).strip(" \t")
            if section is None:
                section = ""
                result[""] = {}
            result[section][key] = value
    return result
