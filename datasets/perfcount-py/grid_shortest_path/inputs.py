"""Inputs for shortest_grid_path."""

from __future__ import annotations

import random


def _grid(rng: random.Random, rows: int, cols: int, walls: float) -> list[str]:
    cells = [["#" if rng.random() < walls else "." for _ in range(cols)] for _ in range(rows)]
    cells[0][0] = "."
    cells[-1][-1] = "."
    return ["".join(r) for r in cells]


def test_inputs() -> list[list]:
    rng = random.Random(83)
    cases = [
        [["."]],
        [["#"]],
        [["..#", "#..", "#.."]],
        [[".#", "#."]],
        [["#.", ".."]],
        [["..", ".#"]],
        [["....."]],
        [["."] * 5],
        [[".....", "####.", ".....", ".####", "....."]],
        [["...", "###", "..."]],
    ]
    for rows, cols in ((4, 6), (7, 7), (10, 8), (12, 12)):
        cases.append([_grid(rng, rows, cols, 0.28)])
    return cases


def perf_input_gen(scale: int) -> list[list]:
    rng = random.Random(8000 + scale)
    # a winding corridor maze: wall rows with one gap each, plus random clutter
    n = 3 * scale + 5
    rows = []
    for r in range(n):
        if r % 4 == 1:
            gap = n - 1 if (r // 4) % 2 == 0 else 0
            row = ["#"] * n
            row[gap] = "."
            extra = rng.randrange(n)
            row[extra] = "."
        else:
            # rows just below a wall row stay open, so the corridor always connects
            clutter = 0.2 if r % 4 != 2 and 0 < r < n - 1 else 0.0
            row = ["#" if rng.random() < clutter else "." for _ in range(n)]
            row[0] = row[-1] = "."
        rows.append(row)
    rows[0][0] = "."
    rows[-1][-1] = "."
    return [[["".join(r) for r in rows]]]
