# hostile: a patched encoder adds the fields the server fills itself (values, cpu_s, max_rss_kb, sandbox, pid, regions with tiny counts) to an ok result, to forge its cost
# expect: ok | failed
import json


def solve(arg):
    json.dumps = lambda *a, **k: (
        '{"status": "ok", "outputs": [42], "values": {"instructions": 1, "task-clock": 1}, "cpu_s": 0, "max_rss_kb": 1, "sandbox": [], "pid": 1, "regions": [{"name": "all", "values": {"instructions": 1}}], "elapsed_ns": 1}'
    )
    # real work (~30 ms): a cost far above the noise of the harness-constant subtraction, so
    # a forged 1 cannot pass for the floor a trivial candidate may legitimately get
    total = sum(range(3_000_000))
    return arg["x"] * 2 + total * 0
