import re

_SECTION = re.compile(r"^[ \t]*\[[ \t]*(.*?)[ \t]*\][ \t]*$")
_PAIR = re.compile(r"^[ \t]*(.*?)[ \t]*=[ \t]*(.*?)[ \t]*$")


def parse_config(text):
    result = {}
    section = None
    for line in text.split("\n"):
        stripped = line.strip(" \t")
        if not stripped or stripped[0] in "#;":
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            result.setdefault(section, {})
            continue
        m = _PAIR.match(line)
        if section is None:
            section = ""
            result.setdefault(section, {})
        result[section][m.group(1)] = m.group(2)
    return result
