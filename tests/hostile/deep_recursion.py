# hostile: recurses without end (RecursionError)
# expect: failed
def solve(arg):
    def down(n):
        return down(n + 1) + 1

    return down(0)
