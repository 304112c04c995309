def count_coin_change_ways(amount, coins):
    # Coefficients of prod_c 1 / (1 - x^c), truncated at x^amount.
    poly = [1] + [0] * amount
    for c in coins:
        factor = [0] * (amount + 1)
        for e in range(0, amount + 1, c):
            factor[e] = 1
        product = [0] * (amount + 1)
        for i, p in enumerate(poly):
            if p:
                for e in range(0, amount + 1 - i, c):
                    product[i + e] += p * factor[e]
        poly = product
    return poly[amount]
