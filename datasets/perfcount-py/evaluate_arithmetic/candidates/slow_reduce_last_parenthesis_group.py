def evaluate_arithmetic(expr):
    s = expr.replace(" ", "")
    # Repeatedly find the last "(" and its ")" and replace the group by its value.
    while "(" in s:
        start = s.rfind("(")
        end = s.index(")", start)
        inner = s[start + 1 : end]
        s = s[:start] + _signed(_evaluate_flat(inner)) + s[end + 1 :]
    return _evaluate_flat(s)


def _signed(value):
    return str(value) if value >= 0 else "-" + str(-value)


def _evaluate_flat(s):
    tokens = []
    i = 0
    while i < len(s):
        if s[i].isdigit():
            j = i
            while j < len(s) and s[j].isdigit():
                j += 1
            tokens.append(int(s[i:j]))
            i = j
        else:
            tokens.append(s[i])
            i += 1
    # fold unary minus signs into the following number
    folded = []
    for tok in tokens:
        if folded and isinstance(tok, int):
            negate = False
            while (
                folded
                and folded[-1] == "-"
                and (len(folded) == 1 or not isinstance(folded[-2], int))
            ):
                folded.pop()
                negate = not negate
            folded.append(-tok if negate else tok)
        else:
            folded.append(tok)
    # multiplication first, then left-to-right addition/subtraction
    stack = [folded[0]]
    for k in range(1, len(folded), 2):
        op, num = folded[k], folded[k + 1]
        if op == "*":
            stack[-1] = stack[-1] * num
        else:
            stack.append(op)
            stack.append(num)
    total = stack[0]
    for k in range(1, len(stack), 2):
        total = total + stack[k + 1] if stack[k] == "+" else total - stack[k + 1]
    return total
