def evaluate_arithmetic(expr):
    prec = {"+": 1, "-": 1, "*": 2, "neg": 3}
    output, ops = [], []
    prev_is_value = False
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        if ch == " ":
            i += 1
            continue
        if ch.isdigit():
            j = i
            while j < n and expr[j].isdigit():
                j += 1
            output.append(int(expr[i:j]))
            i = j
            prev_is_value = True
            continue
        if ch == "(":
            ops.append(ch)
            prev_is_value = False
        elif ch == ")":
            while ops[-1] != "(":
                output.append(ops.pop())
            ops.pop()
            prev_is_value = True
        elif ch == "-" and not prev_is_value:
            ops.append("neg")  # right-associative prefix operator: no popping
        else:
            while ops and ops[-1] != "(" and prec[ops[-1]] >= prec[ch]:
                output.append(ops.pop())
            ops.append(ch)
            prev_is_value = False
        i += 1
    while ops:
        output.append(ops.pop())
    stack = []
    for tok in output:
        if tok == "neg":
            stack.append(-stack.pop())
        elif tok in ("+", "-", "*"):
            b, a = stack.pop(), stack.pop()
            stack.append(a + b if tok == "+" else a - b if tok == "-" else a * b)
        else:
            stack.append(tok)
    return stack[0]
