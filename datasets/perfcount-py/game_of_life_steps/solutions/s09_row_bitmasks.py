def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    mask = (1 << cols) - 1
    board = [sum(bit << c for c, bit in enumerate(row)) for row in cells]
    for _ in range(steps):
        new = []
        for r in range(rows):
            up = board[r - 1] if r > 0 else 0
            down = board[r + 1] if r + 1 < rows else 0
            here = board[r]
            # the 8 neighbour bit-planes of every cell in the row
            planes = (
                (up << 1) & mask, up, up >> 1,
                (here << 1) & mask, here >> 1,
                (down << 1) & mask, down, down >> 1,
            )  # fmt: skip
            ones = twos = fours = 0  # bitwise counter (counts mod 8)
            for p in planes:
                carry1 = ones & p
                ones ^= p
                carry2 = twos & carry1
                twos ^= carry1
                fours |= carry2
            # alive next: count == 3, or count == 2 and alive now
            new.append(~fours & twos & (ones | here) & mask)
        board = new
    return [[(row >> c) & 1 for c in range(cols)] for row in board]
