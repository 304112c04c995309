"""Authoring tools for the perfcount-py task folders.

    python datasets/perfcount-py/tools.py check   [TASK ...]   # every solution agrees with the trusted one
    python datasets/perfcount-py/tools.py tests   [TASK ...]   # (re)write tests.json from the trusted solution
    python datasets/perfcount-py/tools.py measure TASK --scale N [--native]
                                                               # instructions per solution (callgrind), clusters

``measure`` runs this script again under ``valgrind --tool=callgrind
--instr-atstart=no`` and switches instrumentation on only around each
solution's calls (perfcount's callgrind client requests), so input generation,
imports and compilation are not counted. ``--native`` times with
perf_counter instead (fast, noisy) to search for a scale.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from perfcount._util import plain  # noqa: E402
from perfcount.dpe.pools import load_task_dir  # noqa: E402


def _namespace(source: str, name: str) -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": name}
    exec(compile(source, name, "exec"), ns)
    return ns


def _tasks(names: list[str]) -> list[Path]:
    if names:
        return [HERE / n for n in names]
    return sorted(p.parent for p in HERE.glob("*/task.json"))


def _solutions(task: Path) -> list[tuple[str, Any]]:
    meta = json.loads((task / "task.json").read_text())
    out = []
    for f in sorted((task / "solutions").glob("*.py")):
        ns = _namespace(f.read_text(), f"{task.name}/{f.name}")
        out.append((f.stem, ns[meta["entry_point"]]))
    return out


def _trusted(task: Path) -> Any:
    meta = json.loads((task / "task.json").read_text())
    trusted = meta["trusted"].removesuffix(".py")
    return dict(_solutions(task))[trusted]


def _inputs(task: Path) -> dict[str, Any]:
    return _namespace((task / "inputs.py").read_text(), f"{task.name}/inputs.py")


def cmd_tests(names: list[str]) -> int:
    for task in _tasks(names):
        fn = _trusted(task)
        inputs = _inputs(task)["test_inputs"]()
        expected = [plain.encode(fn(*[_copy(a) for a in args])) for args in inputs]
        data = {"inputs": plain.encode([list(a) for a in inputs]), "expected": expected}
        (task / "tests.json").write_text(json.dumps(data, indent=None) + "\n")
        print(f"{task.name}: {len(inputs)} tests written")
    return 0


def _copy(value: Any) -> Any:
    return plain.decode(json.loads(json.dumps(plain.encode(value))))


def cmd_check(names: list[str], scale: int) -> int:
    bad = 0
    for task in _tasks(names):
        row = load_task_dir(task)
        atol, rtol = row.get("atol", 0), row.get("rtol", 0)
        inputs = plain.decode(row["tests"])
        expected = row["expected"]
        gen = _inputs(task)["perf_input_gen"]
        perf_args = gen(scale)
        ref = _trusted(task)
        perf_expected = [plain.encode(ref(*_copy(a))) for a in perf_args]
        for name, fn in _solutions(task):
            problems = []
            for i, (args, exp) in enumerate(zip(inputs, expected)):
                try:
                    got = plain.encode(fn(*_copy(args)))
                except Exception as exc:
                    problems.append(f"test {i}: raised {exc!r}")
                    continue
                if (diff := plain.first_difference(got, exp, atol=atol, rtol=rtol)) is not None:
                    problems.append(f"test {i}: {diff}")
            for i, (args, exp) in enumerate(zip(perf_args, perf_expected)):
                got = plain.encode(fn(*_copy(args)))
                if (diff := plain.first_difference(got, exp, atol=atol, rtol=rtol)) is not None:
                    problems.append(f"perf input {i} (scale {scale}): {diff}")
            status = "ok" if not problems else "FAIL " + "; ".join(problems[:3])
            bad += bool(problems)
            print(f"{task.name}/{name}: {status}")
    return 1 if bad else 0


def _clusters(costs: list[float], bias: float = 0.2, weight: float = 10_000) -> list[int]:
    """Cluster index (0 = slowest) per cost, the paper's rule, for display only."""
    order = sorted(range(len(costs)), key=lambda i: -costs[i])
    label, out = 0, [0] * len(costs)
    for k, i in enumerate(order):
        if k:
            prev = costs[order[k - 1]]
            if prev > 0 and (prev - costs[i]) / prev > bias + (weight / prev) ** 0.5:
                label += 1
        out[i] = label
    return out


def _measure_inner(task: Path, scale: int, native: bool) -> None:
    from perfcount import _native

    gen = _inputs(task)["perf_input_gen"]
    for name, fn in _solutions(task):
        args_list = [_copy(a) for a in gen(scale)]
        gc.collect()
        gc.disable()
        if native:
            t0 = time.perf_counter_ns()
            for args in args_list:
                fn(*args)
            print(f"NATIVE {name} {time.perf_counter_ns() - t0}", flush=True)
        else:
            _native.callgrind_start()
            for args in args_list:
                fn(*args)
            _native.callgrind_stop(name)
        gc.enable()


def cmd_measure(task_name: str, scale: int, native: bool) -> int:
    task = HERE / task_name
    env = dict(os.environ, PYTHONHASHSEED="0")
    argv = [sys.executable, __file__, "_inner", task_name, "--scale", str(scale)]
    if native:
        out = subprocess.run(
            [*argv, "--native"], env=env, capture_output=True, text=True, check=True
        ).stdout
        costs = {m[1]: float(m[2]) for m in re.finditer(r"NATIVE (\S+) (\d+)", out)}
        unit = "ns"
    else:
        if shutil.which("valgrind") is None:
            print("valgrind is not installed", file=sys.stderr)
            return 2
        with tempfile.TemporaryDirectory() as tmp:
            vg = [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={tmp}/cg.%p",
            ]
            subprocess.run([*vg, *argv], env=env, check=True, capture_output=True)
            costs = {}
            for f in Path(tmp).glob("cg.*"):
                text = f.read_text(errors="replace")
                label = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
                totals = re.search(r"^totals: (\d+)", text, re.M)
                if label and totals:
                    costs[label[1]] = float(totals[1])
        unit = "instructions"
    names = sorted(costs, key=lambda n: -costs[n])
    labels = _clusters([costs[n] for n in names])
    print(f"{task.name} at scale {scale} ({unit}); {labels[-1] + 1 if labels else 0} clusters")
    for n, lab in zip(names, labels):
        print(f"  cluster {lab}  {costs[n]:>16,.0f}  {n}")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("command", choices=["check", "tests", "measure", "_inner"])
    p.add_argument("tasks", nargs="*")
    p.add_argument("--scale", type=int, default=8)
    p.add_argument("--native", action="store_true")
    a = p.parse_args()
    if a.command == "tests":
        return cmd_tests(a.tasks)
    if a.command == "check":
        return cmd_check(a.tasks, a.scale)
    if a.command == "measure":
        return cmd_measure(a.tasks[0], a.scale, a.native)
    _measure_inner(HERE / a.tasks[0], a.scale, a.native)
    return 0


if __name__ == "__main__":
    sys.exit(main())
