"""The instruction budget: a candidate over it is a ``timeout``, decided by its count.

The qemu plugin stops every measured process once its own count is over the
budget (a watchdog thread per process), whatever it does to avoid it: fork,
threads, another arm marker. Every backend that counts instructions classes a
finished run over the budget the same way. A budget never changes a count.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

import perfcount
from perfcount.counters import qemu
from perfcount.counters.process import run_qemu
from perfcount.errors import InvalidArgument
from perfcount.execute.runner import Runner
from perfcount.execute.sandbox import MIN_INSTRUCTION_BUDGET, NO_BUDGET, Limits
from perfcount.pipeline.evaluation import PRESETS, make_config

needs_qemu = pytest.mark.needs_qemu
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONHASHSEED": "0", "LC_ALL": "C"}

PROG = r"""
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile unsigned long sink;
static void forever(void) { for (;;) sink++; }
static void *thread_main(void *arg) { (void)arg; forever(); return NULL; }

int main(int argc, char **argv) {
    const char *mode = argv[1];
    if (!strcmp(mode, "loop")) {
        for (long i = 0; i < atol(argv[2]); i++) sink += (unsigned long)i;
    } else if (!strcmp(mode, "forever")) {
        forever();
    } else if (!strcmp(mode, "forks")) {  /* three children that never end, and a parent */
        for (int i = 0; i < 3; i++) if (fork() == 0) forever();
        while (wait(NULL) > 0) {}
    } else if (!strcmp(mode, "threads")) {  /* the per-vCPU mode of qemu < 9 */
        pthread_t t[2];
        for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, thread_main, NULL);
        forever();
    } else if (!strcmp(mode, "rearm")) {  /* armed with a budget, asks for none */
        syscall(ARM_SYSCALL, 1, strtoull(argv[2], NULL, 10));
        syscall(ARM_SYSCALL, 1, NO_BUDGET);
        syscall(ARM_SYSCALL, 1, 0);
        forever();
    } else {
        return 2;
    }
    return 0;
}
"""

WALL = 120.0  # far longer than any of these runs takes to reach its budget under qemu


@pytest.fixture(scope="module")
def prog(build_c) -> str:
    flags = (f"-DARM_SYSCALL={qemu.ARM_SYSCALL}", f"-DNO_BUDGET={qemu.NO_BUDGET}ull")
    return build_c("budget", PROG, *flags)


def _budget_records(records: list[qemu.Record]) -> list[qemu.Record]:
    return [r for r in records if r.end == "budget"]


# -- the plugin ----------------------------------------------------------------


@needs_qemu
@pytest.mark.parametrize("mode", ["forever", "threads"])
def test_a_process_over_its_budget_is_stopped_with_a_record(prog: str, mode: str) -> None:
    budget = 50_000_000
    res = run_qemu([prog, mode], env=ENV, budget=budget, timeout=WALL)
    assert not res.timed_out  # the plugin ended it (its record below), not the clock
    (rec,) = res.processes
    assert rec.end == "budget" and rec.budget == budget and rec.insns > budget, rec
    assert res.signal == 9
    if mode == "threads":
        assert rec.threads == 3


@needs_qemu
def test_every_forked_process_has_a_watchdog_of_its_own(prog: str) -> None:
    budget = 30_000_000
    res = run_qemu([prog, "forks"], env=ENV, budget=budget, timeout=WALL)
    assert not res.timed_out
    stopped = _budget_records(list(res.processes))
    # the three children never end: each was stopped at the budget by its own watchdog
    # (the parent, waiting in wait(2), runs few instructions and is killed with the tree)
    assert len(stopped) == 3 and all(r.id != 0 and r.insns > budget for r in stopped)


@needs_qemu
def test_a_later_arm_cannot_lift_the_budget(prog: str) -> None:
    budget = 40_000_000
    with qemu.Channel() as ch:
        kfd = ch.key_fd()
        try:
            program, guest = qemu.resolve_program([prog, "rearm", str(budget)], env=ENV)
            cmd = qemu.qemu_argv(ch, kfd, program, guest, arm_start=False)
            done = subprocess.run(
                cmd, pass_fds=(kfd, ch.write_fd), capture_output=True, env=ENV, timeout=WALL
            )
        finally:
            os.close(kfd)
        (rec,) = ch.read(final=True)
    assert done.returncode == -9
    assert rec.end == "budget" and rec.budget == budget and rec.rearm == 2 and rec.tag == 1


@needs_qemu
def test_a_process_under_its_budget_runs_to_its_end_with_the_same_count(prog: str) -> None:
    counts = set()
    for budget in (None, 10**8, NO_BUDGET - 1):
        res = run_qemu([prog, "loop", "100000"], env=ENV, budget=budget)
        (rec,) = res.processes
        assert res.ok and rec.end == "exit" and rec.budget == (budget or 0)
        counts.add(rec.insns)
    assert len(counts) == 1, counts


def test_budget_arguments_are_checked() -> None:
    with pytest.raises(InvalidArgument, match="instruction budget of at least"):
        Limits(instructions=MIN_INSTRUCTION_BUDGET - 1)
    with pytest.raises(InvalidArgument, match="instruction budget"):
        Limits(instructions=NO_BUDGET + 1)
    with pytest.raises(InvalidArgument, match="budget must be"):
        qemu.arm(0, 0)
    with pytest.raises(InvalidArgument, match="arm_start"):
        qemu.qemu_argv(qemu.Channel(), 0, "/bin/true", ["true"], arm_start=False, budget=10**9)
    with (
        Runner("software", verify=False) as r,
        pytest.raises(InvalidArgument, match="counts instructions"),
    ):
        r.profile("def f():\n    return 1\n", "f", [[]], instructions=10**9)


def test_limits_keep_their_budget_on_the_wire() -> None:
    assert Limits().instructions == NO_BUDGET  # none by default
    for budget in (MIN_INSTRUCTION_BUDGET, 10**9, 2**50, NO_BUDGET):
        limits = Limits(instructions=budget)
        wire = limits.to_wire()
        assert Limits.from_wire(wire) == limits
        # every int field has the same width whatever its value (see Limits.to_wire)
        assert len(wire) == len(Limits().to_wire())


# -- the runner ----------------------------------------------------------------

LOOP = "def f(n):\n    while n:\n        n += 1\n"
SUM = "def f(n):\n    return sum(range(n))\n"
FORKS = textwrap.dedent(
    """
    import os

    def f(n):
        for _ in range(2):
            if os.fork() == 0:
                while True:
                    n += 1
        while n:
            n += 1
    """
)


@pytest.fixture(scope="module")
def qemu_runner():
    with Runner("qemu", timeout=30) as r:
        yield r


@needs_qemu
@pytest.mark.parametrize("source", [LOOP, FORKS], ids=["loop", "forks"])
def test_the_plugin_stops_a_candidate_at_its_budget(qemu_runner: Runner, source: str) -> None:
    p = qemu_runner.profile(source, "f", [[1]], instructions=10**8)
    # "stopped there": the plugin's end=budget record, not the wall-clock limit (30 s x 10)
    assert p.status == "timeout" and "stopped there" in p.error, p.error


@needs_qemu
def test_a_budget_never_changes_a_count(qemu_runner: Runner) -> None:
    costs = {
        qemu_runner.profile(SUM, "f", [[10**4]], instructions=b).cost
        for b in (None, MIN_INSTRUCTION_BUDGET * 100, 35184372088832, 10**15, NO_BUDGET)
    }
    assert len(costs) == 1, costs


def _verdicts_at_the_edge(runner: Runner) -> None:
    """Just over the count is ok, just under is a timeout: on every run."""
    ok = runner.profile(SUM, "f", [[10**5]])
    assert ok.status == "ok"
    whole = round(ok.counts["instructions"] + runner._overhead(runner._backend)["instructions"])
    for _ in range(2):
        assert runner.profile(SUM, "f", [[10**5]], instructions=whole).status == "ok"
        under = runner.profile(SUM, "f", [[10**5]], instructions=whole - 1)
        assert under.status == "timeout" and f"budget of {whole - 1:,}" in under.error, under.error


@needs_qemu
def test_the_verdict_at_the_edge_of_the_budget_is_exact_under_qemu(qemu_runner: Runner) -> None:
    _verdicts_at_the_edge(qemu_runner)


def test_the_verdict_at_the_edge_of_the_budget_is_exact_under_callgrind() -> None:
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    with Runner("valgrind", timeout=30) as r:
        _verdicts_at_the_edge(r)
        # callgrind cannot stop a run: a candidate over its budget that finishes is classed
        p = r.profile(SUM, "f", [[10**5]], instructions=MIN_INSTRUCTION_BUDGET)
        assert p.status == "timeout" and "over its instruction budget" in p.error


# -- the evaluation ------------------------------------------------------------


def _demo(candidate: str) -> dict[str, str]:
    root = Path(__file__).resolve().parents[2]
    for line in (root / "examples" / "samples-demo.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["candidate"] == candidate:
            return row
    raise AssertionError(candidate)


@needs_qemu
def test_an_evaluation_stops_a_hopeless_candidate_at_its_budget() -> None:
    row = _demo("timeout_plain_recursion")
    res = perfcount.score(row["solution"], row["task_id"], backend="qemu")
    # the task's time limit is 1 native second: 1e9 instructions, which the plugin stopped
    # it at (the clock, 1 s x 10 under qemu, would say "wall-clock limit")
    assert res.status == "timeout", res.error
    assert "instruction budget of 1,000,000,000 and was stopped there" in res.error


def test_the_limit_is_a_documented_switch(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="unknown limit"):
        make_config(limit="cpu")
    assert make_config()["limit"] == "instructions"
    assert PRESETS["evalperf"]["limit"] == "wall"  # EvalPerf's own rule
    row = _demo("fast_bisect_tails")
    samples = [{"task_id": row["task_id"], "solution": row["solution"]}]
    for i, (kwargs, want) in enumerate(
        [({"limit": "wall"}, "wall"), ({"preset": "evalperf"}, "wall"), ({}, "instructions")]
    ):
        out = tmp_path / f"run{i}.jsonl"
        perfcount.evaluate(samples, backend="software", output=out, progress=False, **kwargs)
        header = json.loads(out.read_text().splitlines()[0])
        assert header["config"]["limit"] == want
