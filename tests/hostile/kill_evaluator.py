# hostile: SIGKILLs the evaluator's pid (passed in) and the fork server's process group; both refused (in a pid namespace of its own the evaluator's pid is free and the parent has no pid to name)
# expect: failed
import os
import signal


def solve(arg):
    errors = []
    targets = [arg["evaluator"]]
    if os.getppid():  # outside its pid namespace the parent is pid 0, not nameable
        targets.append(-os.getpgid(os.getppid()))
    for target in targets:
        try:
            os.kill(target, signal.SIGKILL)
        except OSError as exc:
            errors.append(exc.errno)
    raise PermissionError(f"refused: {errors}")
