"""Command candidates: build, run, check and count real processes (perfcount.execute.commands)."""

from __future__ import annotations

import math
import shutil

import pytest

import perfcount
from perfcount.counters.process import run_callgrind
from perfcount.dpe.scoring import speedup_fields
from perfcount.errors import InvalidArgument
from perfcount.execute.commands import (
    CommandRunner,
    CommandSpec,
    compare_output,
    parse_input,
)

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")

SUM_C = r"""
#include <stdio.h>
int main(void) {
    long n, s = 0;
    if (scanf("%ld", &n) != 1) return 3;
    for (long i = 1; i <= n; i++) s += i % 7;
    printf("%ld\n", s);
    return 0;
}
"""


def _expected(n: int) -> str:
    return f"{sum(i % 7 for i in range(1, n + 1))}\n"


@pytest.fixture
def c_runner():
    with CommandRunner(CommandSpec.create("c"), "software", repeats=1, timeout=20) as r:
        yield r
    assert not r._dir.exists()  # builds are removed with the runner


@needs_gcc
def test_build_ok_runs_counts_and_checks(c_runner: CommandRunner) -> None:
    prof = c_runner.profile(SUM_C, "", ["1000\n", {"stdin": "2000\n"}])
    assert prof.status == "ok", prof.error
    assert prof.outputs == [_expected(1000), _expected(2000)]
    assert prof.metric == "task-clock" and prof.cost is not None and prof.cost > 0
    assert prof.counts is not None and prof.counts.backend == "software"
    chk = c_runner.check(SUM_C, "", ["10", "7"], [_expected(10), _expected(7)])
    assert chk.passed and chk.status == "ok"


@needs_gcc
def test_build_error_reports_compiler_output(c_runner: CommandRunner) -> None:
    broken = "int main(void) { return undefined_name; }\n"
    prof = c_runner.profile(broken, "", ["1"])
    assert prof.status == "build_failed"
    assert "undefined_name" in prof.error and "main.c:1" in prof.error
    chk = c_runner.check(broken, "", ["1"], ["1"])
    assert not chk.passed and chk.status == "build_failed"


@needs_gcc
def test_wrong_output_is_failed_with_the_first_difference(c_runner: CommandRunner) -> None:
    chk = c_runner.check(SUM_C, "", ["10", "20"], [_expected(10), "999\n"])
    assert not chk.passed and chk.status == "failed"
    assert chk.failures[0].index == 1
    assert "999" in chk.error and "test 1" in chk.error


@needs_gcc
def test_nonzero_exit_is_failed(c_runner: CommandRunner) -> None:
    prof = c_runner.profile(SUM_C, "", ["not a number"])
    assert prof.status == "failed"
    assert "exited with status 3" in prof.error


@needs_gcc
def test_crash_by_signal(c_runner: CommandRunner) -> None:
    crash = "#include <stdlib.h>\nint main(void) { abort(); }\n"
    prof = c_runner.profile(crash, "", [""])
    assert prof.status == "crashed"
    assert "SIGABRT" in prof.error


@needs_gcc
def test_timeout_kills_the_candidate(c_runner: CommandRunner) -> None:
    spin = "int main(void) { volatile unsigned long x = 0; for (;;) x++; }\n"
    prof = c_runner.profile(spin, "", [""], timeout=0.5)
    assert prof.status == "timeout"
    assert "0.5 s" in prof.error


@pytest.mark.needs_valgrind
@needs_gcc
def test_valgrind_counts_are_deterministic_and_scale_with_work() -> None:
    with CommandRunner(CommandSpec.create("c"), "valgrind", timeout=20) as r:
        a = r.profile(SUM_C, "", ["100000"])
        b = r.profile(SUM_C, "", ["100000"])
        c = r.profile(SUM_C, "", ["200000"])
    assert a.status == b.status == c.status == "ok", (a.error, c.error)
    assert a.metric == "instructions" and a.counts.backend == "valgrind"
    assert a.cost == b.cost  # callgrind with ASLR off: identical counts
    assert a.outputs == [_expected(100000)]
    work = c.cost - a.cost  # 100k more iterations
    assert 100_000 < work < 100_000 * 20


@pytest.mark.needs_valgrind
@needs_gcc
def test_a_workload_over_its_instruction_budget_is_a_timeout() -> None:
    with CommandRunner(CommandSpec.create("c"), "valgrind", timeout=20) as r:
        ok = r.profile(SUM_C, "", ["100000", "100000"])
        assert ok.status == "ok"
        whole = int(ok.cost)
        assert r.profile(SUM_C, "", ["100000", "100000"], instructions=whole).status == "ok"
        over = r.profile(SUM_C, "", ["100000", "100000"], instructions=whole - 1)
        assert over.status == "timeout" and "by input 1" in over.error, over.error
        early = r.profile(SUM_C, "", ["100000", "100000"], instructions=whole // 2 - 1)
        assert early.status == "timeout" and "by input 0" in early.error  # input 1 not run
    with (
        CommandRunner(CommandSpec.create("c"), "software", repeats=1) as r,
        pytest.raises(InvalidArgument, match="counts instructions"),
    ):
        r.profile(SUM_C, "", ["10"], instructions=10**9)


@pytest.mark.needs_valgrind
def test_run_valgrind_sums_every_process_of_the_tree(tmp_path) -> None:
    one = perfcount.run(["sh", "-c", "true"], backend="valgrind")
    three = run_callgrind(["sh", "-c", "ls / > /dev/null; ls / > /dev/null; true"])
    assert one.counts.backend == "valgrind" and three.ok
    assert "3 process(es)" in (three.counts.backend_reason or "")
    assert three.counts["instructions"] > one.counts["instructions"]
    with pytest.raises(InvalidArgument):
        perfcount.run(["true"], backend="valgrind", events=["task-clock"])


def test_process_tree_is_counted_with_software_events(tmp_path) -> None:
    spec = CommandSpec.create("sh", build=None)
    script_one = "cat > /dev/null\n"
    script_many = "for i in 1 2 3 4 5 6; do cat /dev/null > /dev/null; done\ncat > /dev/null\n"
    with CommandRunner(spec, "software", events=["page-faults"], repeats=1) as r:
        one = r.profile(script_one, "", ["x"])
        many = r.profile(script_many, "", ["x"])
    assert one.status == many.status == "ok", (one.error, many.error)
    assert one.metric == "page-faults"
    # six more child processes, each faulting in its own pages, are counted too
    assert many.cost > one.cost + 6 * 20


def test_compare_modes() -> None:
    assert compare_output("1 2\n", "1 2\n", "exact") is None
    assert compare_output("1 2", "1 2\n", "exact") is not None
    assert compare_output(" 1\n2 ", "1 2\n", "whitespace") is None
    assert "token 1" in compare_output("1 3", "1 2", "whitespace")
    assert compare_output("a  \nb\n\n", "a\nb", "lines") is None
    assert compare_output("0.3000001", "0.3", "float", rtol=1e-5) is None
    assert compare_output("0.31", "0.3", "float", rtol=1e-5) is not None
    assert compare_output("nan x", "nan x", "float") is None


def test_bad_inputs_and_templates_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="placeholder"):
        CommandSpec.create("c", build=["gcc", "{source}", "-o", "{bin}"])
    with pytest.raises(InvalidArgument, match="no default build"):
        CommandSpec.create("fortran77")
    with pytest.raises(InvalidArgument):
        parse_input(42)
    assert parse_input({"stdin_base64": "AAE=", "args": ["-v"]}).stdin == b"\x00\x01"


def test_speedup_fields() -> None:
    f = speedup_fields(cost=25.0, baseline_cost=100.0, expert_cost=10.0)
    assert f["speedup_vs_baseline"] == 4.0
    assert f["expert_speedup"] == 10.0
    assert math.isclose(f["share_of_expert_speedup"], math.log(4) / math.log(10))
    assert speedup_fields(100.0, 100.0, 10.0)["share_of_expert_speedup"] == 0.0
    assert speedup_fields(200.0, 100.0, 10.0)["share_of_expert_speedup"] < 0
    assert speedup_fields(5.0, None, 10.0)["speedup_vs_baseline"] is None
    assert speedup_fields(5.0, 10.0, 10.0)["share_of_expert_speedup"] is None


@pytest.mark.needs_valgrind
@needs_gcc
def test_sys_task_scored_end_to_end_with_speedups() -> None:
    ds = perfcount.load_dataset("perfcount-sys")
    task = ds["crc32c"]
    assert task.is_command and task.language == "c" and task.baseline and task.expert
    table = """
#include <stdint.h>
#include <stdio.h>
int main(void) {
    uint32_t t[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        t[i] = c;
    }
    uint32_t crc = 0xFFFFFFFFu;
    int ch;
    while ((ch = getchar_unlocked()) != EOF) crc = t[(crc ^ (uint32_t)ch) & 0xFF] ^ (crc >> 8);
    printf("%08x\\n", crc ^ 0xFFFFFFFFu);
    return 0;
}
"""
    res = perfcount.score(table, task, backend="valgrind", cache=False)
    assert res.passed and res.status == "ok", res.error
    assert res.metric == "instructions" and res.backend == "valgrind"
    assert 0 < res.dps <= 100 and res.cluster >= 0
    up = res.extra["speedup_vs_baseline"]
    share = res.extra["share_of_expert_speedup"]
    assert up is not None and up > 1  # a table beats the bit-at-a-time baseline
    assert share is not None and 0 < share < 1  # ... but not the SSE4.2 expert
    wrong = table.replace("0x82F63B78u", "0xEDB88320u")  # plain CRC-32, not CRC-32C
    bad = perfcount.score(wrong, task, backend="valgrind", cache=False)
    assert not bad.passed and bad.status == "failed" and bad.dps == 0


def _loop_program(repeat: int) -> str:
    """SUM_C doing ``repeat`` times the work per element (a volatile read defeats folding)."""
    body = f"{{ volatile long v = i % 7; long t = 0; for (int r = 0; r < {repeat}; r++) t += v; s += t / {repeat}; }}"
    return SUM_C.replace("s += i % 7;", body)


@pytest.mark.needs_valgrind
@needs_gcc
def test_curate_a_command_pool_with_callgrind(tmp_path) -> None:
    from perfcount.pipeline.curation import curate

    solutions = [_loop_program(r) for r in (1, 3, 9, 27)]
    names = ["x1", "x3", "x9", "x27"]
    broken, wrong = "int main(void) { return }", SUM_C.replace("% 7", "% 5")
    row = {
        "task_id": "sum_mod7",
        "language": "c",
        "solutions": [*solutions, broken, wrong],
        "solution_names": [*names, "broken", "wrong"],
        "tests": ["5", "30"],
        "pe_input": ["10000", {"stdin": "5000\n"}],
        "trusted": "x1",
        "baseline": "x27",
        "expert": "x1",
    }
    report = curate([row], backend="valgrind", min_clusters=3, progress=False)
    out = report.outcome("sum_mod7")
    assert out.kept, (out.reason, dict(out.dropped_solutions))
    costs = dict(out.costs)
    assert costs["x27"] > costs["x9"] > costs["x3"] > costs["x1"], costs
    assert out.references[0] == "x27" and out.n_clusters >= 3
    task = report["sum_mod7"]
    assert task.is_command and task.language == "c" and task.expected == ["15\n", "87\n"]
    assert task.baseline == solutions[3] and task.expert == solutions[0]
    assert task.curation["baseline_cost"] > 3 * task.curation["expert_cost"]
    # the curated task evaluates: statuses, DPS and the speedup fields per sample
    ev = perfcount.evaluate(
        [
            {"task_id": "sum_mod7", "solution": solutions[1], "model": "m"},
            {"task_id": "sum_mod7", "solution": broken},
            {"task_id": "sum_mod7", "solution": wrong},
        ],
        report.dataset,
        backend="valgrind",
        workers=1,
        progress=False,
        cache=False,
    )
    ok, bad_build, bad_output = ev.samples
    assert ok["status"] == "ok" and ok["passed"] and ok["model"] == "m"
    assert ok["dps"] > 0 and 1 < ok["speedup_vs_baseline"] < ok["expert_speedup"]
    assert 0 < ok["share_of_expert_speedup"] < 1
    assert bad_build["status"] == "build_failed" and "error" in bad_build["error"]
    assert bad_output["status"] == "failed" and not bad_output["passed"]
    line = ev.tasks[0]
    assert line["baseline_cost"] > line["expert_cost"] > 0
    assert line["speedup_vs_baseline"] == pytest.approx(ok["speedup_vs_baseline"])
    # the wrong solution and the one that does not build were dropped, with the reasons
    assert "error" in out.dropped_solutions["broken"]
    assert "wrong output" in out.dropped_solutions["wrong"]


@needs_gcc
def test_metric_selection(tmp_path) -> None:
    spec = CommandSpec.create("c")
    with CommandRunner(spec, "software", metric="wall_ns", repeats=1) as r:
        prof = r.profile(SUM_C, "", ["1000"])
    assert prof.status == "ok" and prof.metric == "wall_ns" and prof.cost == prof.wall_ns > 0
    with CommandRunner(spec, "software", metric="page-faults", repeats=1) as r:
        prof = r.profile(SUM_C, "", ["1000"])
    assert prof.metric == "page-faults" and prof.cost == prof.counts["page-faults"] > 0
    with pytest.raises(InvalidArgument):
        CommandRunner(spec, "valgrind", metric="cycles")
    from perfcount.dpe.datasets import Task

    task = Task.from_dict(
        {
            "task_id": "t",
            "language": "c",
            "reference": [SUM_C],
            "scores": [100],
            "metric": "wall_ns",
        }
    )
    with CommandRunner(task, "software", repeats=1) as r:
        assert r.metric == "wall_ns"  # the task names its metric
    with pytest.raises(InvalidArgument, match="software events only"):
        CommandRunner(spec, "software", metric="instructions")


def test_gpu_metric_without_a_gpu_is_a_clear_error() -> None:
    from perfcount.errors import GpuError

    try:
        import pynvml

        pynvml.nvmlInit()
        pynvml.nvmlShutdown()
    except Exception:
        pass
    else:  # pragma: no cover - machines with an NVIDIA driver
        pytest.skip("an NVIDIA driver is present")
    with pytest.raises(GpuError):
        CommandRunner(CommandSpec.create("c"), "software", metric="gpu_energy_mj")


def test_gpu_cost_from_an_nvml_window() -> None:
    from perfcount.execute.commands import gpu_cost

    window = {"energy_mj": 1500.0, "duration_ns": 2_000_000_000, "mean_util_pct": 25.0}
    assert gpu_cost("gpu_energy_mj", window) == 1500.0
    assert gpu_cost("gpu_time_ns", window) == 500_000_000.0
    assert gpu_cost("gpu_energy_mj", {"energy_mj": None}) is None  # unknown, never a silent 0
    assert gpu_cost("gpu_time_ns", None) is None


def test_shipped_perfcount_sys_matches_its_task_folders() -> None:
    """The curated file is in step with datasets/perfcount-sys/ (re-curate after editing)."""
    from pathlib import Path

    from perfcount.dpe.pools import load_command_pool_dir

    root = Path(__file__).resolve().parents[2] / "datasets"
    ds = perfcount.load_dataset("perfcount-sys")
    rows = {r["task_id"]: r for r in load_command_pool_dir(root / "perfcount-sys")}
    assert len(ds) >= 6 and set(ds) == set(rows)
    for tid, task in ds.items():
        row = rows[tid]
        sources = dict(zip(row["solution_names"], row["solutions"]))
        assert len(sources) >= 5 and task.language in ("c", "cpp")
        assert len(task.reference) >= 4 and task.scores[-1] == 100.0
        assert task.curation["backend"] == "valgrind"
        assert all(src in sources.values() for src in task.reference), f"{tid}: stale references"
        assert task.baseline == sources[row["baseline"].rsplit(".", 1)[0]]
        assert task.expert == sources[row["expert"].rsplit(".", 1)[0]]
        assert task.tests == row["tests"] and len(task.expected) == len(task.tests)
        costs = task.reference_costs
        assert costs is not None and list(costs) == sorted(costs, reverse=True)


def test_both_runners_are_candidate_runners_with_one_status_vocabulary() -> None:
    from perfcount.execute.candidate import STATUSES, CandidateRunner, classify
    from perfcount.execute.runner import Runner
    from perfcount.execute.sandbox import Limits

    with (
        Runner("software", verify=False) as py,
        CommandRunner(CommandSpec.create("sh", build=None), "software") as cmd,
    ):
        assert isinstance(py, CandidateRunner) and isinstance(cmd, CandidateRunner)
        assert (py.kind, cmd.kind) == ("python", "command")
    limits = Limits(timeout=2)
    # a program's facts are classified like a Python candidate's
    assert classify({"exitcode": 0}, limits, program=True) == ("ok", "")
    assert classify({"exitcode": 3}, limits, program=True)[0] == "failed"
    oom = {"exitcode": 1, "stdout": "malloc: Cannot allocate memory"}
    assert classify(oom, limits, program=True)[0] == "memory"
    assert classify({"signal": 9, "stdout": "MemoryError"}, limits)[0] == "memory"
    assert classify({"timed_out": True}, limits, program=True)[0] == "timeout"
    assert classify({"too_large": True, "exitcode": 0}, limits, program=True)[0] == (
        "output_too_large"
    )
    statuses = {classify(f, limits, program=True)[0] for f in ({"signal": 11}, {"exitcode": 0})}
    assert statuses <= set(STATUSES)


def test_a_program_out_of_memory_is_the_memory_status() -> None:
    script = "echo 'sh: cannot fork: Cannot allocate memory' >&2\nexit 2\n"
    with CommandRunner(CommandSpec.create("sh", build=None), "software", repeats=1) as r:
        prof = r.profile(script, "", ["x"])
        chk = r.check(script, "", ["x"], ["y"])
    assert prof.status == chk.status == "memory", (prof.error, chk.error)
    assert prof.error.startswith("input 0: ran out of memory")


def test_repeats_give_the_median_and_cv() -> None:
    spec = CommandSpec.create("sh", build=None)
    with CommandRunner(spec, "software", repeats=3) as r:
        prof = r.profile("cat > /dev/null\n", "", ["abc"])
    assert prof.status == "ok" and prof.repeats == 3
    assert prof.cv is not None and prof.cv >= 0 and prof.cost > 0


@needs_gcc
def test_runners_of_a_pool_build_each_source_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfcount.execute import commands
    from perfcount.execute.pool import RunnerPool

    builds: list[str] = []
    real = commands.build

    def counting(spec, source, directory, **kw):
        builds.append(source)
        return real(spec, source, directory, **kw)

    monkeypatch.setattr(commands, "build", counting)
    spec = CommandSpec.create("c")
    with RunnerPool() as pool:
        counted = pool.get("command", "software", task=spec, timeout=20)
        native = pool.get("command", "software", task=spec, timeout=20, repeats=1)
        assert counted is not native
        assert pool.get("command", "software", task=spec, timeout=20) is counted
        assert counted.check(SUM_C, "", ["10"], [_expected(10)]).passed
        assert native.profile(SUM_C, "", ["100"]).status == "ok"
        assert counted.profile(SUM_C, "", ["100"]).status == "ok"
        assert counted.build(SUM_C) is native.build(SUM_C)
        directory = counted.build(SUM_C).directory
    assert builds == [SUM_C]  # built once for both runners
    assert not directory.exists()  # the pool's builds are removed with it


@needs_gcc
@pytest.mark.needs_valgrind
def test_curate_a_command_pool_with_the_scale_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command kind through the one curation pipeline: tests, scale search, one build each."""
    from perfcount._version import __version__
    from perfcount.execute import commands
    from perfcount.pipeline.curation import curate

    builds: list[str] = []
    real = commands.build
    monkeypatch.setattr(
        commands, "build", lambda spec, src, d, **kw: builds.append(src) or real(spec, src, d, **kw)
    )
    solutions = [_loop_program(r) for r in (1, 4)]
    row = {
        "task_id": "sum_mod7",
        "language": "c",
        "solutions": solutions,
        "solution_names": ["x1", "x4"],
        "tests": ["5", "30"],
        "input_generator": "def perf_input_gen(scale):\n    return [str(1000 * scale)]\n",
    }
    # callgrind: the cap is checked on deterministic counts (with task-clock, a final
    # profile near the cap fell on either side of it by noise on a loaded machine)
    report = curate(
        [row],
        backend="valgrind",
        min_clusters=1,
        min_cost=0,
        max_cost=1e6,  # instructions: the search stops well before max_scale
        progress=False,
    )
    out = report.outcome("sum_mod7")
    assert out.kept, (out.reason, dict(out.dropped_solutions))
    assert out.scale is not None and out.scale >= 2 and out.scale & (out.scale - 1) == 0
    line = report.lines()[0]
    assert line["pe_input"] == [str(1000 * out.scale)]
    assert line["expected"] == ["15\n", "87\n"]  # from the first solution
    assert line["curation"]["perfcount_version"] == __version__
    assert report.header["perfcount_version"] == __version__
    assert sorted(builds) == sorted(solutions)  # each solution built once
