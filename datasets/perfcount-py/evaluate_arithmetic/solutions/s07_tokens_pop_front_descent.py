import re


def evaluate_arithmetic(expr):
    tokens = re.findall(r"\d+|[-+*()]", expr)

    def expression():
        value = term()
        while tokens and tokens[0] in "+-":
            op = tokens.pop(0)
            rhs = term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term():
        value = factor()
        while tokens and tokens[0] == "*":
            tokens.pop(0)
            value *= factor()
        return value

    def factor():
        tok = tokens.pop(0)
        if tok == "-":
            return -factor()
        if tok == "(":
            value = expression()
            tokens.pop(0)
            return value
        return int(tok)

    return expression()
