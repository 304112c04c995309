def power_sum_mod(n, e, m):
    def modpow(base, exponent, modulus):
        result = 1
        base %= modulus
        while exponent:
            if exponent % 2 == 1:
                result = (result * base) % modulus
            exponent = exponent // 2
            base = (base * base) % modulus
        return result % modulus

    answer = 0
    for k in range(1, n + 1):
        answer = (answer + modpow(k, e, m)) % m
    return answer
