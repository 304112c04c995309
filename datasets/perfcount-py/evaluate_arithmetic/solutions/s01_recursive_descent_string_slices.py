def evaluate_arithmetic(expr):
    text = expr.replace(" ", "")

    # each parser returns (value, rest of the string)
    def parse_expr(s):
        value, s = parse_term(s)
        while s and s[0] in "+-":
            op = s[0]
            rhs, s = parse_term(s[1:])
            value = value + rhs if op == "+" else value - rhs
        return value, s

    def parse_term(s):
        value, s = parse_factor(s)
        while s and s[0] == "*":
            rhs, s = parse_factor(s[1:])
            value *= rhs
        return value, s

    def parse_factor(s):
        if s[0] == "-":
            value, s = parse_factor(s[1:])
            return -value, s
        if s[0] == "(":
            value, s = parse_expr(s[1:])
            return value, s[1:]  # skip ")"
        i = 0
        while i < len(s) and s[i].isdigit():
            i += 1
        return int(s[:i]), s[i:]

    return parse_expr(text)[0]
