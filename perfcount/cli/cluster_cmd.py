"""``python -m perfcount cluster COSTS``: the DPE adaptive clustering of a list of costs.

COSTS is a file (or ``-`` for stdin) with one cost per line, optionally
preceded by a label (``s03_table.py 1234567``), numbers separated by spaces or
commas, ``#`` comments; or JSON: a list of numbers or an object label -> cost.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from perfcount.errors import InvalidArgument

__all__ = ["Command", "parse_costs"]


def _number(token: str) -> float | None:
    try:
        return float(token.replace("_", ""))
    except ValueError:
        return None


def parse_costs(text: str, source: str = "<stdin>") -> tuple[list[float], list[str] | None]:
    """Costs (and labels, when every cost has one) from the text formats above."""
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidArgument(f"{source}:{exc.lineno}: not valid JSON ({exc.msg})") from None
        keys: list[str] | None = None
        if isinstance(data, dict):
            keys = [str(k) for k in data]
            values = list(data.values())
        elif isinstance(data, list):
            values = data
        else:
            raise InvalidArgument(
                f"{source}: expected a JSON list of costs or an object label -> cost"
            )
        parsed = []
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                where = repr(keys[i]) if keys else f"[{i}]"
                raise InvalidArgument(f"{source}: {where} is {v!r}, not a number")
            parsed.append(float(v))
        return parsed, keys

    costs: list[float] = []
    labels: list[str] = []
    labelled = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        tokens = line.replace(",", " ").split()
        if len(tokens) == 2 and _number(tokens[0]) is None:
            value = _number(tokens[1])
            if value is None:
                raise InvalidArgument(f"{source}:{lineno}: {tokens[1]!r} is not a number")
            costs.append(value)
            labels.append(tokens[0])
            labelled += 1
            continue
        for token in tokens:
            value = _number(token)
            if value is None:
                raise InvalidArgument(
                    f"{source}:{lineno}: {token!r} is not a number",
                    hint="write one cost per line, optionally as `label cost`",
                )
            costs.append(value)
            labels.append(str(len(costs) - 1))
    return costs, (labels if labelled and labelled == len(costs) else None)


class Command:
    name = "cluster"
    help = "Cluster costs with the DPE adaptive rule and show the reference each cluster keeps."

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "costs", help="file with costs (one per line, `label cost`, or JSON); - for stdin"
        )
        parser.add_argument(
            "--bias", type=float, default=0.2, help="minimum relative drop (default 0.2)"
        )
        parser.add_argument(
            "--weight",
            type=float,
            default=10_000,
            help="threshold scale for small costs, in cost units (default 10000)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def run(self, args: argparse.Namespace) -> int:
        from perfcount.dpe.scoring import ReferenceSet

        if args.costs == "-":
            source, text = "<stdin>", sys.stdin.read()
        else:
            source = args.costs
            try:
                with open(args.costs, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError as exc:
                raise InvalidArgument(f"{source}: cannot read ({exc.strerror})") from None
            except UnicodeDecodeError as exc:
                raise InvalidArgument(f"{source}: not UTF-8 text ({exc.reason})") from None
        costs, labels = parse_costs(text, source)
        if not costs:
            raise InvalidArgument(f"{source}: no costs found")
        refs = ReferenceSet.from_costs(costs, bias=args.bias, weight=args.weight)
        clusters = refs.clusters or ()

        def name(i: int) -> Any:
            return labels[i] if labels else i

        rows = []
        for c, (cl, score) in enumerate(zip(clusters, refs.scores)):
            rows.append(
                {
                    "cluster": c,
                    "size": cl.size,
                    "score": score,
                    "slowest": cl.slowest,
                    "fastest": cl.fastest,
                    "representative": name(cl.representative),
                    "members": [name(i) for i in cl.members.tolist()],
                }
            )
        note = _weight_note(costs, len(rows), args.weight)
        if args.json:
            json.dump(
                {
                    "bias": args.bias,
                    "weight": args.weight,
                    "n": len(costs),
                    "clusters": rows,
                    "note": note,
                },
                sys.stdout,
                indent=2,
            )
            sys.stdout.write("\n")
            return 0

        from rich.console import Console
        from rich.table import Table

        table = Table(
            title=f"{len(costs)} costs -> {len(rows)} clusters "
            f"(bias {args.bias:g}, weight {args.weight:g})",
        )
        for column, justify in [
            ("#", "right"),
            ("size", "right"),
            ("cumulative %", "right"),
            ("slowest", "right"),
            ("fastest", "right"),
            ("reference", "left"),
            ("members", "left"),
        ]:
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            members = [str(m) for m in row["members"]]
            shown = ", ".join(members[:6]) + (
                f", ... (+{len(members) - 6})" if len(members) > 6 else ""
            )
            table.add_row(
                str(row["cluster"]),
                str(row["size"]),
                f"{row['score']:.1f}",
                f"{row['slowest']:,.0f}" if row["slowest"] >= 100 else f"{row['slowest']:g}",
                f"{row['fastest']:,.0f}" if row["fastest"] >= 100 else f"{row['fastest']:g}",
                str(row["representative"]),
                shown,
            )
        console = Console()
        console.print(table)
        if note:
            console.print(f"note: {note}", markup=False, highlight=False)
        return 0


def _weight_note(costs: list[float], n_clusters: int, weight: float) -> str | None:
    """Why small costs end in one cluster, when the default weight is what merged them."""
    if n_clusters != 1 or len(costs) < 2 or weight <= 0 or max(costs) <= 0:
        return None
    slowest = max(costs)
    if slowest >= 100 * weight:
        return None
    return (
        f"every cost is below 100 x weight ({weight:g}); the split threshold "
        f"bias + sqrt(weight / cost) is then at least {(weight / slowest) ** 0.5:.2f}, so no "
        "relative drop splits a cluster. The default weight suits instruction counts; for "
        "other units (ns, ms) pass a smaller --weight"
    )
