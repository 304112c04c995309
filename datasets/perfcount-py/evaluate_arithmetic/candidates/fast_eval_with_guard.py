import re


def evaluate_arithmetic(expr):
    if re.search(r"[^0-9+\-*() ]", expr):
        raise ValueError("bad input")
    return int(eval(expr))
