def knapsack_max_value(weights, values, capacity):
    memo = {}

    def solve(ws, vs, room):
        if not ws:
            return 0
        key = (len(ws), room)
        if key in memo:
            return memo[key]
        result = solve(ws[1:], vs[1:], room)
        if ws[0] <= room:
            result = max(result, vs[0] + solve(ws[1:], vs[1:], room - ws[0]))
        memo[key] = result
        return result

    return solve(list(weights), list(values), capacity)
