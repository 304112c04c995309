# hostile: exec()s a 40 MiB one-line source that is not valid Python from its first character; the SyntaxError carries the whole line (its text) into the traceback; the error text must stay clipped
# expect: failed
def solve(arg):
    exec("$ = " + "x" * (40 << 20))
