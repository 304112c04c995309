"""The %perfcount / %%perfcount magics through a real IPython InteractiveShell."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("IPython", reason="the magics need IPython")

from IPython.core.interactiveshell import InteractiveShell

from perfcount.counters.region import CountSummary


@pytest.fixture
def shell() -> Iterator[Any]:
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "perfcount")
    sh.user_ns.pop("data", None)
    yield sh
    sh.run_line_magic("unload_ext", "perfcount")


def test_load_ext_registers_line_and_cell_magic(shell: Any) -> None:
    magics = shell.magics_manager.magics
    assert "perfcount" in magics["line"] and "perfcount" in magics["cell"]


def test_line_magic_prints_like_timeit_and_returns_with_o(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("data = list(range(3000, 0, -1))")
    assert shell.run_line_magic("perfcount", "-e task-clock,page-faults sorted(data)") is None
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[0].startswith("task-clock: ") and " ± " in lines[0] and "(cv " in lines[0]
    assert lines[1].startswith("page-faults: ")
    assert "median ± MAD of 5 runs, 1 warm-up; backend software" in lines[-1]

    r = shell.run_line_magic("perfcount", "-o -q -n 3 -w 0 -e task-clock sorted(data)")
    assert capsys.readouterr().out == ""
    assert isinstance(r, CountSummary)
    assert len(r.runs) == 3 and r.backend == "software"
    assert r["task-clock"] > 0


def test_statement_runs_in_the_user_namespace(shell: Any) -> None:
    shell.run_cell("calls = []\ndef f(x):\n    calls.append(x)\n    return x * 2\n")
    shell.run_line_magic("perfcount", "-q -n 4 -w 2 -e task-clock y = f(21)")
    assert shell.user_ns["y"] == 42
    assert shell.user_ns["calls"] == [21] * 6  # 2 warm-ups + 4 counted repeats


def test_cell_magic_setup_line_is_not_repeated(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("setups = 0")
    r = shell.run_cell_magic(
        "perfcount",
        "-o -n 3 -w 0 -e task-clock setups += 1; base = 7",
        "out = [base * i for i in range(2000)]\n",
    )
    assert shell.user_ns["setups"] == 1
    assert shell.user_ns["out"][:3] == [0, 7, 14]
    assert len(r.runs) == 3
    assert "3 runs" in capsys.readouterr().out


def test_cell_magic_body_may_use_ipython_syntax(shell: Any) -> None:
    r = shell.run_cell_magic("perfcount", "-o -q -n 1 -w 0 -e task-clock", "x = !echo hi\n")
    assert list(shell.user_ns["x"]) == ["hi"] and len(r.runs) == 1


def test_thread_work_inside_the_statement_is_counted(shell: Any) -> None:
    shell.user_ns["threading"] = threading
    shell.run_cell(
        "def spin():\n    s = 0\n    for i in range(300_000):\n        s += i\n"
        "def in_thread():\n    t = threading.Thread(target=spin)\n    t.start()\n    t.join()\n"
    )
    quiet = shell.run_line_magic("perfcount", "-o -q -n 3 -e task-clock pass")
    busy = shell.run_line_magic("perfcount", "-o -q -n 3 -e task-clock in_thread()")
    assert busy["task-clock"] > 20 * quiet["task-clock"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("-n 0 pass", "-n must be at least 1"),
        ("-n many pass", "-n needs an integer"),
        ("-e no-such-event pass", "no-such-event"),
        ("-b nonsense pass", "unknown backend"),
        ("-q", "needs a statement"),
    ],
)
def test_bad_options_raise_clear_errors(shell: Any, line: str, message: str) -> None:
    from IPython.core.error import UsageError

    # a usage error: IPython shows it as one line, not as a traceback
    with pytest.raises(UsageError, match=message):
        shell.run_line_magic("perfcount", line)


def test_a_usage_error_is_one_line_in_a_cell(shell: Any, capsys: Any) -> None:
    shell.run_cell("%perfcount -n 0 pass")
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert "-n must be at least 1" in text and "Traceback" not in text


def test_unload_ext_removes_the_magics(shell: Any) -> None:
    shell.run_line_magic("unload_ext", "perfcount")
    assert "perfcount" not in shell.magics_manager.magics["line"]
    shell.run_line_magic("load_ext", "perfcount")  # for the fixture's teardown
    assert "perfcount" in shell.magics_manager.magics["cell"]


@pytest.mark.needs_valgrind
def test_valgrind_backend_profiles_the_statement_through_the_runner(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import math  # noqa: F401  (a module the statement uses: re-imported in the runner)

    shell.run_cell(
        "import math\n"
        "def norm(xs):\n    return math.sqrt(sum(x * x for x in xs))\n"
        "small = list(range(2_000))\nlarge = list(range(20_000))\n"
    )
    a = shell.run_line_magic("perfcount", "-b valgrind -o norm(small)")
    out = capsys.readouterr().out
    assert out.startswith("instructions: ") and "(1 run; backend valgrind)" in out
    b = shell.run_line_magic("perfcount", "-b valgrind -o -q norm(large)")
    assert a.backend == b.backend == "valgrind" and len(a.runs) == 1
    # ten times the data: roughly ten times the instructions (deterministic counts)
    assert 5 * a["instructions"] < b["instructions"] < 15 * a["instructions"]


@pytest.mark.needs_valgrind
def test_valgrind_backend_refuses_values_it_cannot_send(shell: Any) -> None:
    shell.user_ns["lock"] = threading.Lock()
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="cannot send variable 'lock'"):
        shell.run_line_magic("perfcount", "-b valgrind lock.acquire()")
