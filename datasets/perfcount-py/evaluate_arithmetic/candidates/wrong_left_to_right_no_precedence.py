def evaluate_arithmetic(expr):
    # Ignores operator precedence inside a parenthesis level: 1+2*3 gives 9.
    s = expr.replace(" ", "")
    pos = 0

    def sequence():
        nonlocal pos
        value = operand()
        while pos < len(s) and s[pos] in "+-*":
            op = s[pos]
            pos += 1
            rhs = operand()
            value = value + rhs if op == "+" else value - rhs if op == "-" else value * rhs
        return value

    def operand():
        nonlocal pos
        if s[pos] == "-":
            pos += 1
            return -operand()
        if s[pos] == "(":
            pos += 1
            value = sequence()
            pos += 1
            return value
        start = pos
        while pos < len(s) and s[pos].isdigit():
            pos += 1
        return int(s[start:pos])

    return sequence()
