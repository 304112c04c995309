def evaluate_arithmetic(expr):
    allowed = set("0123456789+-*() ")
    if not set(expr) <= allowed:
        raise ValueError("unexpected character")
    return eval(expr, {"__builtins__": {}}, {})
