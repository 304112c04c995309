def evaluate_arithmetic(expr):
    tokens = []
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        if ch.isdigit():
            j = i
            while j < n and expr[j].isdigit():
                j += 1
            tokens.append(int(expr[i:j]))
            i = j
        else:
            if ch != " ":
                tokens.append(ch)
            i += 1
    pos = 0

    def expression():
        nonlocal pos
        value = term()
        while pos < len(tokens) and tokens[pos] in ("+", "-"):
            op = tokens[pos]
            pos += 1
            rhs = term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term():
        nonlocal pos
        value = factor()
        while pos < len(tokens) and tokens[pos] == "*":
            pos += 1
            value *= factor()
        return value

    def factor():
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "-":
            return -factor()
        if tok == "(":
            value = expression()
            pos += 1  # ")"
            return value
        return tok

    return expression()
