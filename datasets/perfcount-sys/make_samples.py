"""Write examples/samples-sys.jsonl from the candidates/ folders of perfcount-sys.

A candidate's file name starts with its level (fast, medium, slow, wrong,
crash, build_error); each becomes one sample ``{task_id, solution, candidate,
level}``. Run from the repository root: ``python datasets/perfcount-sys/make_samples.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LEVELS = ("build_error", "crash", "fast", "medium", "slow", "wrong")


def main() -> None:
    rows = []
    for task in sorted(p for p in ROOT.iterdir() if (p / "task.json").is_file()):
        for f in sorted((task / "candidates").glob("*")):
            level = next((lv for lv in LEVELS if f.stem.startswith(lv)), "other")
            rows.append(
                {
                    "candidate": f.stem,
                    "level": level,
                    "solution": f.read_text(encoding="utf-8"),
                    "task_id": task.name,
                }
            )
    out = ROOT.parent.parent / "examples" / "samples-sys.jsonl"
    out.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} samples to {out}")


if __name__ == "__main__":
    main()
