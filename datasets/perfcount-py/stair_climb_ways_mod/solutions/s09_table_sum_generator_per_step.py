def stair_climb_ways_mod(n, m):
    # Table of reachable steps, each entry summed over the allowed moves.
    def count(target):
        reach = [0] * (target + 1)
        reach[0] = 1
        for k in range(1, target + 1):
            reach[k] = sum(reach[k - s] for s in (1, 2, 3) if k - s >= 0) % m
        return reach[target]

    return count(n) % m
