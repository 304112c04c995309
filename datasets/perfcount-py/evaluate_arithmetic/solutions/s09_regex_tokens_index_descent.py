import re

_TOKEN = re.compile(r"\s*(?:(\d+)|(.))")


def evaluate_arithmetic(expr):
    toks = [int(num) if num else op for num, op in _TOKEN.findall(expr.rstrip())]
    toks.append(None)
    i = 0

    def expression():
        nonlocal i
        value = term()
        while True:
            t = toks[i]
            if t == "+":
                i += 1
                value += term()
            elif t == "-":
                i += 1
                value -= term()
            else:
                return value

    def term():
        nonlocal i
        value = factor()
        while toks[i] == "*":
            i += 1
            value *= factor()
        return value

    def factor():
        nonlocal i
        t = toks[i]
        i += 1
        if t == "-":
            return -factor()
        if t == "(":
            value = expression()
            i += 1
            return value
        return t

    return expression()
