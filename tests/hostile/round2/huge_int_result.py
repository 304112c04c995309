# hostile: a patched encoder sends an integer of 200000 digits as its output, past Python's int-conversion limit in the server's json.loads (a ValueError that is not a JSONDecodeError)
# expect: failed
import json


def solve(arg):
    json.dumps = lambda *a, **k: '{"status": "ok", "outputs": [' + "7" * 200_000 + "]}"
    return arg["x"] * 2
