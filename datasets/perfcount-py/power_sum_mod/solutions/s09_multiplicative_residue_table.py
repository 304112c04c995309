def power_sum_mod(n, e, m):
    # Powers of all residues 0..m-1 via complete multiplicativity (pow only
    # for primes below m), then weight each residue by how often it occurs.
    size = min(n, m - 1)
    f = [0] * (size + 1)
    composite_factor = [0] * (size + 1)
    for r in range(2, size + 1):
        if composite_factor[r] == 0:
            f[r] = pow(r, e, m)
            for multiple in range(r * r, size + 1, r):
                if composite_factor[multiple] == 0:
                    composite_factor[multiple] = r
        else:
            p = composite_factor[r]
            f[r] = f[p] * f[r // p] % m
    if size >= 1:
        f[1] = 1 % m
    q, extra = divmod(n, m)
    if q == 0:
        return sum(f[1 : n + 1]) % m
    # residues 1..m-1 occur q times (plus one more for 1..extra); residue 0 adds 0 (e > 0)
    zero_term = pow(0, e, m) * q
    return (q * sum(f[1:m]) + sum(f[1 : extra + 1]) + zero_term) % m
