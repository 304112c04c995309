import re

_HEADER = re.compile(r"^[ \t]*\[[ \t]*(.*?)[ \t]*\][ \t]*$", re.M)
_PAIR = re.compile(r"^[ \t]*([^#;\s\[=][^=\n]*?|)[ \t]*=[ \t]*([^\n]*?)[ \t]*$", re.M)


def parse_config(text):
    parts = _HEADER.split(text)  # [before first header, name, body, name, body, ...]
    result = {}
    top = _PAIR.findall(parts[0])
    if top:
        result[""] = dict(top)
    for k in range(1, len(parts), 2):
        result.setdefault(parts[k], {}).update(_PAIR.findall(parts[k + 1]))
    return result
