# hostile: raises an exception whose message is 64 MiB long; the reported error is truncated
# expect: failed
def solve(arg):
    raise ValueError("E" * (64 << 20))
