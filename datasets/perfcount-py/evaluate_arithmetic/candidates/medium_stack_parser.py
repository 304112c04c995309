def evaluate_arithmetic(expr):
    s = expr.replace(" ", "")
    pos = 0

    def number():
        nonlocal pos
        start = pos
        while pos < len(s) and s[pos].isdigit():
            pos += 1
        return int(s[start:pos])

    def factor():
        nonlocal pos
        if s[pos] == "-":
            pos += 1
            return -factor()
        if s[pos] == "(":
            pos += 1
            value = expression()
            pos += 1
            return value
        return number()

    def term():
        nonlocal pos
        value = factor()
        while pos < len(s) and s[pos] == "*":
            pos += 1
            value = value * factor()
        return value

    def expression():
        nonlocal pos
        value = term()
        while pos < len(s) and s[pos] in "+-":
            op = s[pos]
            pos += 1
            value = value + term() if op == "+" else value - term()
        return value

    return expression()
