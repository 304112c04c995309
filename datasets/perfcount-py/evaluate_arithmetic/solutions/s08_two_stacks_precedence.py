def evaluate_arithmetic(expr):
    values, ops = [], []
    prec = {"+": 1, "-": 1, "*": 2}

    def apply():
        op = ops.pop()
        if op == "u":
            values.append(-values.pop())
            return
        b, a = values.pop(), values.pop()
        values.append(a + b if op == "+" else a - b if op == "-" else a * b)

    expect_value = True
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        if ch == " ":
            i += 1
            continue
        if ch.isdigit():
            j = i + 1
            while j < n and expr[j].isdigit():
                j += 1
            values.append(int(expr[i:j]))
            i = j
            # pending unary minus signs bind to this factor only
            while ops and ops[-1] == "u":
                apply()
            expect_value = False
            continue
        if ch == "(":
            ops.append("(")
        elif ch == ")":
            while ops[-1] != "(":
                apply()
            ops.pop()
            while ops and ops[-1] == "u":
                apply()
        elif expect_value and ch == "-":
            ops.append("u")
        else:
            while ops and ops[-1] in prec and prec[ops[-1]] >= prec[ch]:
                apply()
            ops.append(ch)
            expect_value = True
            i += 1
            continue
        expect_value = ch == "(" or (expect_value and ch == "-")
        i += 1
    while ops:
        apply()
    return values[0]
