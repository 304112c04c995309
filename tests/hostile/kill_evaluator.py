# hostile: SIGKILLs the evaluator's pid (passed in) and the fork server's process group; both refused
# expect: failed
import os
import signal


def solve(arg):
    errors = []
    for target in (arg["evaluator"], -os.getpgid(os.getppid())):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError as exc:
            errors.append(exc.errno)
    raise PermissionError(f"refused: {errors}")
