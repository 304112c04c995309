"""Issue #14's forgery corpus against the scoring pipeline: which tricks beat honest work.

Every file in ``tests/forgery/`` is a complete candidate for the shipped task
``kth_smallest``: ``honest_slow.py`` is the honest slow solution (insertion
sort, DPS 0), every other file is that solution plus one trick meant to make
its cost look smaller (its docstring says what and which backend it targets).
All of them go through ``perfcount.evaluate`` on the shipped ``perfcount-py``
dataset, one run per backend (the way users score a samples file; one fork
server for the whole corpus, reference costs from the default cache), and a
table shows, per technique and backend, the status, DPS and cost, and whether
it **beats honest**: status ``ok`` and a DPS above both the honest solution's in
the same run and what honest work reaches by noise on that backend
(:data:`HONEST_NOISE`). Only public results are used (status, DPS, cost), so
the script measures any version of the harness the same way.

    python benchmarks/forgery.py [--backends valgrind,qemu,software] [--techniques a,b]
                                 [--via evaluate|score] [--json]

``--via score`` scores each candidate with its own ``perfcount.score()`` call
(its own fork server) instead: slower, and a check that grouping the corpus
in one evaluate run changes nothing. ``--json`` prints one JSON object with
every row as the last line (for tests). The valgrind backend is skipped with
the reason when valgrind is missing.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import perfcount

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "forgery"
TASK = "kth_smallest"
DATASET = "perfcount-py"
HONEST = "honest_slow"
#: cachegrind (valgrind >= 3.22, PERFCOUNT_VALGRIND naming one where PATH's is older) by name
BACKENDS = ("valgrind", "qemu", "software")

#: The most the honest solution scores on each backend by noise alone, as a
#: number of references it can tie (from the slowest): a forgery must score
#: above that reference's score to count as beating honest work. Measured here
#: (2-core KVM guest shared with other work, default reference cache):
#: - valgrind: deterministic; honest_slow costs 167.3M instructions, 2.9x the
#:   slowest reference (57.5M): DPS 0 every time, no reference.
#: - qemu: deterministic as well; honest_slow 167.3M, DPS 0.
#: - software: the tie tolerance is the candidate's CV x cost, and honest_slow's
#:   CV over its 5 repeats ranged from 0.003 to 0.40 in 300 profiles. Of 400
#:   scored runs (100 copies through one evaluate, and those 300 profiles put
#:   through the same inclusive rule against the cached references) 381 got
#:   DPS 0 and 19 (5 %) the second reference's score (18.2), none more (that
#:   needs a CV of about 0.72). Two forgeries that do nothing natively (raw
#:   callgrind requests) also got 18.2 in one run.
HONEST_NOISE = {"valgrind": 0, "qemu": 0, "software": 2, "cachegrind": 0}


def load_corpus(names: list[str] | None = None) -> dict[str, dict[str, str]]:
    """``{name: {"source", "summary", "targets"}}``, the honest solution first, then by name."""
    found = sorted(p.stem for p in CORPUS.glob("*.py") if not p.stem.startswith("_"))
    if names is not None:
        unknown = sorted(set(names) - set(found))
        if unknown:
            raise SystemExit(f"unknown techniques {unknown}; the corpus has: {', '.join(found)}")
        found = [n for n in found if n in names]
    order = [HONEST] + [n for n in found if n != HONEST]
    corpus = {}
    for name in order:
        source = (CORPUS / f"{name}.py").read_text()
        doc = ast.get_docstring(ast.parse(source)) or ""
        targets = re.search(r"^Targets: (.+)$", doc, re.M)
        corpus[name] = {
            "source": source,
            "summary": doc.splitlines()[0] if doc else "",
            "targets": targets.group(1).strip() if targets else "?",
        }
    return corpus


def unavailable(backend: str) -> str | None:
    """Why ``backend`` cannot run here, or None."""
    if backend == "valgrind" and shutil.which("valgrind") is None:
        return "valgrind is not installed (apt-get install -y valgrind)"
    return None


def _row(name: str, backend: str, line: dict[str, Any]) -> dict[str, Any]:
    error = (line.get("error") or "").strip()
    return {
        "technique": name,
        "backend": backend,
        "status": line.get("status"),
        "dps": line.get("dps"),
        "cost": line.get("cost"),
        "metric": line.get("metric"),
        "error": error.splitlines()[0][:200] if error else "",
    }


def run_backend(
    backend: str, corpus: dict[str, dict[str, str]], *, via: str = "evaluate"
) -> list[dict[str, Any]]:
    """One row per candidate of ``corpus`` (the honest one included) under ``backend``."""
    if via == "score":
        return [
            _row(name, backend, perfcount.score(c["source"], TASK, backend=backend).to_dict())
            for name, c in corpus.items()
        ]
    samples = [
        {"task_id": TASK, "solution": c["source"], "technique": name} for name, c in corpus.items()
    ]
    ev = perfcount.evaluate(
        samples,
        DATASET,
        backend=backend,
        tasks=[TASK],
        workers=1,
        max_profile=None,
        progress=False,
    )
    by_name = {s["technique"]: s for s in ev.samples}
    return [_row(name, backend, by_name[name]) for name in corpus]


def noise_ceiling(backend: str) -> float:
    """The DPS honest work can reach by noise on ``backend`` (see :data:`HONEST_NOISE`)."""
    n = HONEST_NOISE.get(backend, 0)
    return float(perfcount.load_dataset(DATASET)[TASK].scores[n - 1]) if n else 0.0


def mark_winners(rows: list[dict[str, Any]]) -> None:
    """Set ``beats_honest`` on every row (None for the honest one itself).

    A row beats honest when its status is ``ok`` and its DPS is above both the
    honest solution's DPS in the same run and the backend's noise ceiling.
    """
    honest = {r["backend"]: r for r in rows if r["technique"] == HONEST}
    for r in rows:
        h = honest.get(r["backend"])
        if r["technique"] == HONEST or h is None:
            r["beats_honest"] = None
            continue
        base = h["dps"] if h["status"] == "ok" and h["dps"] is not None else 0.0
        bar = max(base, noise_ceiling(r["backend"]))
        r["beats_honest"] = bool(r["status"] == "ok" and r["dps"] is not None and r["dps"] > bar)


def _cost(value: Any) -> str:
    if value is None:
        return "-"
    value = float(value)
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.2f}{unit}"
    return f"{value:.0f}"


def table(rows: list[dict[str, Any]], corpus: dict[str, dict[str, str]]) -> str:
    """The before/after table as fixed-width text."""
    head = ("technique", "targets", "backend", "status", "DPS", "cost", "beats honest?", "note")
    lines = []
    for r in rows:
        beats = {None: "(baseline)", True: "YES", False: "no"}[r["beats_honest"]]
        dps = "-" if r["dps"] is None else f"{r['dps']:.1f}"
        metric = {"instructions": "Ir", "task-clock": "ns"}.get(r["metric"] or "", "")
        note = r["error"] if r["status"] != "ok" else ""
        lines.append(
            (
                r["technique"],
                corpus[r["technique"]]["targets"],
                r["backend"],
                str(r["status"]),
                dps,
                f"{_cost(r['cost'])} {metric}".strip(),
                beats,
                note[:70],
            )
        )
    widths = [max(len(str(x[i])) for x in [head, *lines]) for i in range(len(head) - 1)]
    out = []
    for cells in [head, (*("-" * w for w in widths), "----"), *lines]:
        out.append(
            "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False))
            + "  "
            + cells[-1]
        )
    return "\n".join(line.rstrip() for line in out)


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = [r for r in rows if r["beats_honest"] is not None]
    winners = [r for r in pairs if r["beats_honest"]]
    techniques = {r["technique"] for r in pairs}
    return {
        "pairs": len(pairs),
        "beat_honest": len(winners),
        "techniques": len(techniques),
        "techniques_that_beat_honest": len({r["technique"] for r in winners}),
        "reached_dps_100": len({r["technique"] for r in winners if (r["dps"] or 0) >= 100}),
        "honest": {r["backend"]: r["dps"] for r in rows if r["technique"] == HONEST},
    }


def _revision() -> str:
    """The perfcount checkout's commit (``+dirty`` with local changes to perfcount/), if known."""
    try:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "perfcount", "native"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "revision unknown"
    return f"commit {rev}{'+dirty' if dirty else ''}" if rev else "revision unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--techniques", default=None, help="comma-separated (default: all)")
    ap.add_argument("--via", choices=("evaluate", "score"), default="evaluate")
    ap.add_argument("--json", action="store_true", help="end with one JSON line of all rows")
    args = ap.parse_args(argv)
    names = None if args.techniques is None else [*args.techniques.split(","), HONEST]
    corpus = load_corpus(names)
    rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    elapsed: dict[str, float] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        why = unavailable(backend)
        if why:
            skipped[backend] = why
            continue
        t0 = time.monotonic()
        rows += run_backend(backend, corpus, via=args.via)
        elapsed[backend] = time.monotonic() - t0
    mark_winners(rows)
    s = summary(rows)
    print(
        f"perfcount {perfcount.__version__} ({_revision()}): {len(corpus) - 1} forgery techniques "
        f"+ the honest slow solution on {DATASET}/{TASK}, via {args.via}"
    )
    print(
        "beats honest? = status ok and DPS above the honest solution's and above the noise "
        "ceiling ("
        + ", ".join(f"{b} {noise_ceiling(b):.1f}" for b in {r["backend"]: 0 for r in rows})
        + ")"
    )
    print(table(rows, corpus))
    print()
    for backend, why in skipped.items():
        print(f"{backend}: skipped ({why})")
    print(
        "elapsed: "
        + ", ".join(f"{b} {t:.0f} s" for b, t in elapsed.items())
        + "; honest DPS: "
        + ", ".join(f"{b} {d}" for b, d in s["honest"].items())
    )
    print(
        f"{s['beat_honest']} of {s['pairs']} technique x backend pairs beat the honest solution; "
        f"{s['techniques_that_beat_honest']} of {s['techniques']} techniques beat it on at "
        f"least one backend, {s['reached_dps_100']} reached DPS 100"
    )
    if args.json:
        print(json.dumps({"rows": rows, "summary": s, "skipped": skipped, "elapsed": elapsed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
