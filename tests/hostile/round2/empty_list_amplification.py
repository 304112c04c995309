# hostile: returns 1.9 million empty lists (about 6 MB of JSON, "[]," each, just under the server's 2,000,000-value cap): decoded, every one is a 56-byte list object, so 6 MB of result becomes ~130 MB in whoever decodes it; the evaluator's RSS growth stays bounded
# expect: ok
def solve(arg):
    return [[] for _ in range(1_900_000)]
