# hostile: a patched encoder sends a set tag holding a list (unhashable when the set is rebuilt)
# expect: failed
import json


def solve(arg):
    json.dumps = lambda *a, **k: '{"status": "ok", "outputs": [{"$set": [[1, 2], {"$set": []}]}]}'
    return arg["x"] * 2
