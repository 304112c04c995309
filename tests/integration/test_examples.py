"""The examples run: quickstart.py as a script, walkthrough.ipynb through a real kernel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One reference cache for both examples (the notebook then reuses the script's references)."""
    return tmp_path_factory.mktemp("examples-cache")


def _png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, path


@pytest.mark.slow
def test_quickstart_runs(tmp_path: Path, cache: Path) -> None:
    pytest.importorskip("matplotlib", reason="the quickstart draws figures ([plot] extra)")
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=280,
        env={**os.environ, "PERFCOUNT_CACHE_DIR": str(cache)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for step in (
        "1. measure:",
        "2. count:",
        "3. score n log n",
        "3. score quadratic",
        "4. evaluate:",
    ):
        assert any(line.startswith(step) for line in lines), (step, done.stdout)
    scores = {}
    for line in lines:
        if line.startswith("3. score"):
            name, rest = line[len("3. score") :].split(":", 1)
            assert "passed=True" in rest, line  # both solutions are correct
            scores[name.strip()] = float(rest.split("DPS=")[1].split()[0])
    assert scores["n log n"] >= scores["quadratic"]
    _png(tmp_path / "quickstart-task.png")
    _png(tmp_path / "quickstart-summary.png")


@pytest.mark.slow
def test_walkthrough_notebook_executes(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat", reason="executing the notebook needs nbformat")
    nbclient = pytest.importorskip("nbclient", reason="executing the notebook needs nbclient")
    pytest.importorskip("ipykernel", reason="executing the notebook needs ipykernel")
    pytest.importorskip("matplotlib", reason="the notebook draws figures ([plot] extra)")
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(cache))  # inherited by the kernel

    nb = nbformat.read(EXAMPLES / "walkthrough.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = [set(o.get("data", {})) for o in outputs if o.output_type == "execute_result"]
    assert sum("text/html" in k for k in kinds) >= 5  # Counts, CountSummary, ScoreResult, ...
    assert sum("image/png" in k for k in kinds) == 2  # plot_task and plot_summary
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "median ± MAD of 5 runs" in printed  # %perfcount's timeit-like line
