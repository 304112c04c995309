# hostile: returns a 60 MB string (under output_mb=64): the server and the evaluator each hold a few copies at most; the evaluator's RSS growth stays bounded
# expect: ok
def solve(arg):
    return "A" * (60 << 20)
