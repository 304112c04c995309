# hostile: a patched encoder sends a result that is not UTF-8 (latin-1 bytes and a lone surrogate escape)
# expect: failed
import json


def solve(arg):
    json.dumps = lambda *a, **k: b'{"status": "ok", "outputs": ["\\ud800", "\xff\xfe"]}'.decode(
        "latin-1"
    )
    return arg["x"] * 2
