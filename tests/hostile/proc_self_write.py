# hostile: writes /proc/self/oom_score_adj (-1000), /proc/sys/vm/drop_caches, /proc/sys/kernel/perf_event_paranoid and /proc/sysrq-trigger; all must fail (read-only /proc, no capabilities), then it answers correctly
# expect: ok
def solve(arg):
    allowed = []
    for path, value in (
        ("/proc/self/oom_score_adj", "-1000"),
        ("/proc/sys/vm/drop_caches", "3"),
        ("/proc/sys/kernel/perf_event_paranoid", "-1"),
        ("/proc/sysrq-trigger", "h"),
    ):
        try:
            with open(path, "w") as f:
                f.write(value)
            allowed.append(path)
        except OSError:
            pass
    if allowed:
        raise AssertionError(f"/proc writes succeeded: {allowed}")
    return arg["x"] * 2
