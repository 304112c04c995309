def evaluate_arithmetic(expr):
    return _value(expr.replace(" ", ""))


def _top_level(s, symbols):
    """Positions of binary operators from `symbols` outside any parentheses."""
    found = []
    depth = 0
    for i, ch in enumerate(s):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch in symbols and i > 0 and (s[i - 1].isdigit() or s[i - 1] == ")"):
            found.append(i)
    return found


def _value(s):
    plus_minus = _top_level(s, "+-")
    if plus_minus:
        i = plus_minus[-1]
        left, right = _value(s[:i]), _value(s[i + 1 :])
        return left + right if s[i] == "+" else left - right
    times = _top_level(s, "*")
    if times:
        i = times[-1]
        return _value(s[:i]) * _value(s[i + 1 :])
    if s[0] == "-":
        return -_value(s[1:])
    if s[0] == "(":
        return _value(s[1:-1])
    return int(s)
