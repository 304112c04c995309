# hostile: a patched encoder sends a bytes tag that is not base64 (`{"$bytes": "%%"}`) and one that is not a string
# expect: failed
import json


def solve(arg):
    json.dumps = lambda *a, **k: (
        '{"status": "ok", "outputs": [{"$bytes": "%%not base64"}, {"$bytes": [1]}]}'
    )
    return arg["x"] * 2
