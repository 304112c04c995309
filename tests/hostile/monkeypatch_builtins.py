# hostile: replaces builtins (len, isinstance, repr, str) with liars before returning a wrong answer
# expect: failed
import builtins


def solve(arg):
    builtins.len = lambda obj: 0
    builtins.repr = lambda obj: "42"
    builtins.str = lambda *a, **k: "42"
    return [arg["x"]]
