def knapsack_max_value(weights, values, capacity):
    # Keep only non-dominated (weight, value) states, sorted by weight.
    front = [(0, 0)]
    for w, v in zip(weights, values):
        extended = [(fw + w, fv + v) for fw, fv in front if fw + w <= capacity]
        merged = sorted(front + extended)
        front = []
        best = -1
        for fw, fv in merged:
            if fv > best:
                if front and front[-1][0] == fw:
                    front[-1] = (fw, fv)
                else:
                    front.append((fw, fv))
                best = fv
    return front[-1][1]
