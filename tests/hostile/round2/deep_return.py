# hostile: returns a list nested 200000 deep (no patching): the child's encoder hits its recursion limit; the sample fails and nothing else
# expect: failed
def solve(arg):
    out = []
    for _ in range(200_000):
        out = [out]
    return out
