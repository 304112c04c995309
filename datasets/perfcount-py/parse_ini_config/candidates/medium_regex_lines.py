import re


def parse_config(text):
    config = {}
    name = None
    for line in text.split("\n"):
        if re.match(r"^\s*([#;].*)?$", line):
            continue
        header = re.match(r"^\s*\[\s*(.*?)\s*\]\s*$", line)
        if header:
            name = header.group(1)
            config.setdefault(name, {})
            continue
        pair = re.match(r"^\s*(.*?)\s*=\s*(.*?)\s*$", line)
        if name is None:
            name = ""
            config[""] = {}
        config[name][pair.group(1)] = pair.group(2)
    return config
