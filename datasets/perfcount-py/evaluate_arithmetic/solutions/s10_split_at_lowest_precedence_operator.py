def evaluate_arithmetic(expr):
    def value(s):
        s = s.strip()
        # the last top-level binary + or - splits the expression (left-associative)
        depth = 0
        split = -1
        for i, ch in enumerate(s):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif depth == 0 and ch in "+-" and i > 0:
                j = i - 1
                while j >= 0 and s[j] == " ":
                    j -= 1
                if s[j].isdigit() or s[j] == ")":  # binary, not unary
                    split = i
        if split >= 0:
            left, right = value(s[:split]), value(s[split + 1 :])
            return left + right if s[split] == "+" else left - right
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            ch = s[i]
            if ch == ")":
                depth += 1
            elif ch == "(":
                depth -= 1
            elif depth == 0 and ch == "*":
                return value(s[:i]) * value(s[i + 1 :])
        if s[0] == "-":
            return -value(s[1:])
        if s[0] == "(":
            return value(s[1:-1])
        return int(s)

    return value(expr)
