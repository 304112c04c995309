# hostile: returns an 8 MiB string, more than the result channel allows (output_mb)
# expect: output_too_large
def solve(arg):
    return "z" * (8 << 20)
