import re

_LINE = re.compile(
    r"^[ \t]*(?:\[[ \t]*(?P<section>[^\n]*?)[ \t]*\]|(?P<key>[^#;\n=][^\n=]*?|)[ \t]*=[ \t]*(?P<value>[^\n]*?))[ \t]*$",
    re.M,
)


def parse_config(text):
    result = {}
    current = None
    for m in _LINE.finditer(text):
        section = m.group("section")
        if section is not None:
            current = result.setdefault(section, {})
        elif m.group("value") is not None:
            if current is None:
                current = result.setdefault("", {})
            current[m.group("key")] = m.group("value")
    return result
