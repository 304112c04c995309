import re

_TOKEN = re.compile(r"\d+|[-+*()]")


def evaluate_arithmetic(expr):
    # One left-to-right pass: per parenthesis level keep the sum of finished terms,
    # the running product of the current term, the pending operator and a unary sign.
    stack = []
    total, term, pending, sign = 0, 0, 1, 1  # pending: 1 "+", -1 "-", 0 "*"
    after_factor = False
    for tok in _TOKEN.findall(expr):
        if tok > "/":  # digits sort after all of "()*+-"
            value = int(tok)
        elif tok == "(":
            stack.append((total, term, pending, sign))
            total, term, pending, sign = 0, 0, 1, 1
            after_factor = False
            continue
        elif tok == ")":
            value = total + term
            total, term, pending, sign = stack.pop()
        elif tok == "*":
            pending = 0
            after_factor = False
            continue
        elif after_factor:  # binary + or -
            total += term
            term = 0
            pending = 1 if tok == "+" else -1
            after_factor = False
            continue
        else:  # unary minus
            sign = -sign
            continue
        if sign < 0:
            value = -value
            sign = 1
        if pending:
            term = value if pending > 0 else -value
        else:
            term *= value
        after_factor = True
    return total + term
