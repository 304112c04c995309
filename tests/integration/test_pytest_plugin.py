"""The pytest plugin, driven through pytester: opt-in budgets, the fixture, the JSON file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perfcount.counters.region import hardware_available

pytest_plugins = ["pytester"]

# The inner sessions load the plugin from its pytest11 entry point (an
# editable install also makes pytest warn that it cannot rewrite the hook
# module; that warning is not what these tests are about).
# hypothesis's plugin imports hypothesis at the end of every inner session (seconds): off.
# xdist's plugin, in an inner session run inside an xdist worker, takes it for a worker
# too (PYTEST_XDIST_WORKER is set) and prints no summary: off.
QUIET = (
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:xdist",
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
)

BUDGETS = """
import pytest

@pytest.mark.perfcount(max_task_clock=60e9, max_page_faults=10**7)
def test_within():
    sorted(range(20000), key=lambda x: -x)

@pytest.mark.perfcount(max_task_clock=1)
def test_over():
    sorted(range(200000), key=lambda x: -x)
"""


def test_inert_unless_enabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(BUDGETS)
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["perfcount: 2 budgets not checked (enable with --perfcount*"])


@pytest.mark.parametrize(
    "enable",
    [["--perfcount"], ["-p", "perfcount"], ["--perfcount-json", "m.json"], "ini"],
    ids=["flag", "dash-p", "json", "ini"],
)
def test_enabled_budget_fails_with_the_measured_count(
    pytester: pytest.Pytester, enable: list[str] | str
) -> None:
    pytester.makepyfile(BUDGETS)
    if enable == "ini":
        pytester.makeini("[pytest]\nperfcount = true\n")
        enable = []
    result = pytester.runpytest(*QUIET, *enable)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*BudgetExceeded: perfcount budget exceeded: task-clock = * > max_task_clock = 1 "
            "(backend software)",
            "*perfcount budgets*",
            "ok   test_*::test_within: task-clock * / 60,000,000,000 (software)",
            "ok   test_*::test_within: page-faults * / 10,000,000 (software)",
            "OVER test_*::test_over: task-clock * / 1 (software)",
        ]
    )


def test_fixture_measures_blocks_and_json_records_everything(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_blocks(perfcount):
            with perfcount(events="task-clock,page-faults", label="build") as m:
                xs = [str(i) for i in range(50000)]
            assert m.counts["task-clock"] > 0
            with perfcount(events=["task-clock"], label="join"):
                "".join(xs)

        def test_fixture_budget(perfcount):
            with perfcount(label="tight", max_task_clock=1):
                sum(range(100000))

        @pytest.mark.perfcount(events=["context-switches"], max_page_faults=10**7)
        def test_marker_extra_events():
            pass
        """
    )
    out = pytester.path / "measurements.json"
    result = pytester.runpytest(*QUIET, f"--perfcount-json={out}")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*BudgetExceeded: perfcount budget exceeded in 'tight': task-clock = * > max_task_clock = 1*"
        ]
    )
    data = json.loads(out.read_text())
    assert data["format"] == "perfcount-pytest" and data["format_version"] == 1
    by_label = {
        (m["kind"], m["label"] or m["nodeid"].split("::")[1]): m for m in data["measurements"]
    }
    assert set(by_label) == {
        ("fixture", "build"),
        ("fixture", "join"),
        ("fixture", "tight"),
        ("marker", "test_marker_extra_events"),
    }
    build = by_label[("fixture", "build")]
    assert set(build["values"]) == {"task-clock", "page-faults"}
    assert build["values"]["task-clock"] > 0 and build["verdict"] == "ok"
    assert build["backend"] == "software" and build["counts"][0]["backend"] == "software"
    assert by_label[("fixture", "tight")]["verdict"] == "over"
    marker = by_label[("marker", "test_marker_extra_events")]
    assert set(marker["values"]) == {"page-faults", "context-switches"}
    assert marker["budgets"] == {"page-faults": 10**7} and marker["verdict"] == "ok"


def test_json_path_in_a_missing_directory_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_a():\n    pass\n")
    result = pytester.runpytest(*QUIET, "--perfcount-json", "no/such/dir/m.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--perfcount-json no/such/dir/m.json: the directory does not exist*"]
    )


def test_failing_test_is_reported_as_its_own_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.perfcount(max_task_clock=60e9)
        def test_wrong():
            assert 1 + 1 == 3
        """
    )
    result = pytester.runpytest(*QUIET, "--perfcount")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert (1 + 1) == 3*"])
    result.stdout.no_fnmatch_line("*BudgetExceeded*")


def test_marker_misuse_fails_the_test_with_the_reason(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.perfcount(max_no_such_event=5)
        def test_unknown_event():
            pass

        @pytest.mark.perfcount(max_task_clock="fast")
        def test_not_a_number():
            pass

        @pytest.mark.perfcount(1000)
        def test_positional():
            pass
        """
    )
    result = pytester.runpytest(*QUIET, "--perfcount")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "*test_unknown_event: max_no_such_event: unknown event 'no-such-event'*",
            "*test_not_a_number: max_task_clock must be a non-negative number, got 'fast'*",
            "*test_positional: takes keyword arguments only*",
        ]
    )


@pytest.mark.skipif(hardware_available()[0], reason="this machine has a PMU: instructions count")
@pytest.mark.parametrize(
    ("mode", "outcome"),
    [("skip", {"skipped": 1}), ("fail", {"failed": 1}), ("pass", {"passed": 1})],
)
def test_instruction_budget_without_pmu_or_callgrind(
    pytester: pytest.Pytester, mode: str, outcome: dict[str, int]
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.perfcount(max_instructions=10**9)
        def test_cheap():
            sorted(range(1000))
        """
    )
    result = pytester.runpytest(*QUIET, "--perfcount", f"--perfcount-unavailable={mode}", "-rs")
    result.assert_outcomes(**outcome)
    result.stdout.fnmatch_lines(
        [
            "*perfcount budget max_instructions not checked: instructions: *not running under callgrind*"
        ]
    )


@pytest.mark.needs_valgrind
@pytest.mark.slow
def test_instruction_budget_under_callgrind(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """pytest itself under callgrind (instrumentation off at start): exact instruction budgets."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.perfcount(max_instructions=10**9)
        def test_within():
            sorted(range(5000, 0, -1))

        @pytest.mark.perfcount(max_instructions=1000)
        def test_over():
            sorted(range(5000, 0, -1))
        """
    )
    out = f"{tmp_path}/cg.%p"
    env = {**os.environ, "PERFCOUNT_CALLGRIND_OUT": out}
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            "-q",
            sys.executable,  # the real interpreter, not a shell shim valgrind would trace instead
            "-m",
            "pytest",
            *QUIET,
            "--perfcount",
            f"--perfcount-json={tmp_path / 'm.json'}",
        ],
        cwd=pytester.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "instructions = " in done.stdout and "> max_instructions = 1,000 (backend valgrind)" in (
        done.stdout
    )
    data = json.loads((tmp_path / "m.json").read_text())
    values = {m["nodeid"].split("::")[1]: m for m in data["measurements"]}
    assert values["test_within"]["verdict"] == "ok" and values["test_over"]["verdict"] == "over"
    within = values["test_within"]["values"]["instructions"]
    assert 10_000 < within < 10**9 and values["test_within"]["backend"] == "valgrind"
