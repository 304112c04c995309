# hostile: a patched encoder sends a tuple tag whose payload is not a list (`{"$tuple": 5}`)
# expect: failed
import json


def solve(arg):
    json.dumps = lambda *a, **k: '{"status": "ok", "outputs": [{"$tuple": 5}]}'
    return arg["x"] * 2
