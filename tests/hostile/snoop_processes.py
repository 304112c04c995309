# hostile: lists /proc and reads other processes' command lines and environments (the evaluator's pid is passed in); with its own uid and a hidepid /proc it sees only its own processes
# expect: ok
import os


def solve(arg):
    me = os.getpid()
    seen = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    others = [p for p in seen if p != me]
    leaked = []
    for pid in [arg["evaluator"], *others]:
        for what in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as f:
                    f.read()
                leaked.append((pid, what))
            except OSError:
                pass
    if others or leaked:
        raise AssertionError(f"sees {len(others)} other processes, read {leaked[:5]}")
    return arg["x"] * 2
