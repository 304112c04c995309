import re

_INNER = re.compile(r"\(([^()]*)\)")


def _flat(s):
    # evaluate an expression without parentheses: split into signed terms
    terms, term, sign = [], [], 1
    i, n = 0, len(s)
    factor_sign = 1
    while i < n:
        ch = s[i]
        if ch.isdigit():
            j = i
            while j < n and s[j].isdigit():
                j += 1
            term.append(factor_sign * int(s[i:j]))
            factor_sign = 1
            i = j
            continue
        if ch == "-" and (i == 0 or s[i - 1] in "+-*"):
            factor_sign = -factor_sign
        elif ch in "+-":
            terms.append((sign, term))
            term, sign = [], (1 if ch == "+" else -1)
        i += 1
    terms.append((sign, term))
    total = 0
    for sg, factors in terms:
        product = 1
        for f in factors:
            product *= f
        total += sg * product
    return total


def evaluate_arithmetic(expr):
    s = expr.replace(" ", "")
    while "(" in s:
        # replace the first innermost group by its value, then rescan the whole string
        m = _INNER.search(s)
        value = _flat(m.group(1))
        s = s[: m.start()] + (str(value) if value >= 0 else "-" + str(-value)) + s[m.end() :]
    return _flat(s)
