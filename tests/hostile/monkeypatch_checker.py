# hostile: patches perfcount._util.plain's comparison functions and json in its own process to make any answer look right, then answers wrongly; comparisons run in the evaluator
# expect: failed
import json

import perfcount._util.plain as plain


def solve(arg):
    plain.equal = lambda *a, **k: True
    plain.first_difference = lambda *a, **k: None
    json.loads = lambda *a, **k: arg["x"] * 2
    return -1
