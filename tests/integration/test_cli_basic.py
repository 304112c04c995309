"""`python -m perfcount info|measure|run` as a user runs them (subprocess, cwd=tmp_path)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PY = sys.executable


def cli(tmp_path: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "perfcount", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        input=None if stdin is None else stdin.decode(),
        timeout=120,
        check=False,
    )


def test_info_json_and_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from perfcount.execute.speeds import speeds

    cache = tmp_path / "cache"
    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(cache))
    # measured once here, with one run per emulating backend (info's default is 3: the
    # minimum of more runs is less moved by load), then read back by the CLI from the cache
    measured = speeds(refresh=True, cache_dir=cache, runs=1)
    assert measured["cached"] is False and measured["native_cpu_s"] > 0
    done = cli(tmp_path, "info", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for key in ("kernel", "perf_event_paranoid", "pmu", "events", "valgrind", "nvml", "backend"):
        assert key in data
    assert data["events"]["task-clock"] == "ok"
    assert data["backend"]["auto"] in ("perf", "qemu", "valgrind", "software")
    assert data["backend"]["reason"]
    # every backend, available or with the reason; the available ones timed against native
    backends = data["backends"]
    assert set(backends) == {"perf", "valgrind", "qemu", "cachegrind", "software"}
    assert data["speeds"]["cached"] is True
    assert Path(data["speeds"]["cache_file"]).parent == cache / "speeds"
    assert backends == {name: {**b, **measured["backends"][name]} for name, b in backends.items()}
    for name, b in backends.items():
        if b["available"]:
            assert b["x_native"] > 0 and b["cpu_s"] > 0, (name, b)
        else:
            assert b["reason"] and b["x_native"] is None, (name, b)
    for slow in ("qemu", "valgrind"):  # emulation costs: several times native CPU time
        if backends[slow]["available"]:
            assert backends[slow]["x_native"] > 2, backends[slow]
    if backends["qemu"]["available"] and backends["valgrind"]["available"]:
        assert backends["qemu"]["x_native"] < backends["valgrind"]["x_native"]  # auto's order
    quick = json.loads(cli(tmp_path, "info", "--json", "--no-speed").stdout)
    assert quick["speeds"] == {} and "x_native" not in quick["backends"]["software"]
    # the sandbox line says what a real candidate holds
    sandbox = data["sandbox"]
    if sandbox["root"] and "error" not in sandbox["candidate"]:
        assert sandbox["candidate"]["uid"] >= 1_000_000
        if sandbox["candidate"]["CapEff"] == "0000000000000000":
            assert sandbox["capabilities"].startswith("none")
            assert "CAP_DAC_READ_SEARCH" not in sandbox["summary"]
    table = cli(tmp_path, "info")
    assert table.returncode == 0, table.stderr
    assert "perf_event_paranoid" in table.stdout and "task-clock" in table.stdout
    assert "CPU time × native" in table.stdout and "cached" in table.stdout


def test_measure_table_and_exit_status(tmp_path: Path) -> None:
    done = cli(
        tmp_path, "measure", "-e", "task-clock,page-faults", "--", PY, "-c", "print('hi'); exit(3)"
    )
    assert done.returncode == 3
    assert done.stdout == "hi\n"  # the command shares the terminal
    assert "task-clock" in done.stderr and "page-faults" in done.stderr
    assert "seconds time elapsed" in done.stderr


def test_measure_json_repeat(tmp_path: Path) -> None:
    done = cli(
        tmp_path, "measure", "--json", "-r", "2", "-e", "page-faults", "--", "sh", "-c", "echo x"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # the command's own output went to stderr
    assert data["argv"] == ["sh", "-c", "echo x"]
    assert len(data["runs"]) == 2
    assert data["runs"][0]["counts"]["values"]["page-faults"] > 0
    assert data["summary"]["page-faults"]["min"] <= data["summary"]["page-faults"]["max"]
    assert "x" in done.stderr


def test_run_json_has_the_whole_result(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("fed\n")
    done = cli(tmp_path, "run", "--json", "--stdin", "in.txt", "-e", "task-clock", "--", "cat")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["stdout"] == "fed\n"
    assert data["returncode"] == 0 and data["max_rss"] > 0 and data["wall_ns"] > 0
    assert data["counts"]["values"]["task-clock"] > 0


def test_run_signal_exit_status(tmp_path: Path) -> None:
    done = cli(tmp_path, "run", "-e", "task-clock", "--", "sh", "-c", "kill -9 $$")
    assert done.returncode == 128 + 9
    assert "max RSS" in done.stderr


def test_errors_are_clean_messages(tmp_path: Path) -> None:
    done = cli(tmp_path, "measure", "--", "perfcount-no-such-command")
    assert done.returncode == 2
    assert "cannot run 'perfcount-no-such-command'" in done.stderr
    assert "Traceback" not in done.stderr
    done = cli(tmp_path, "measure", "-e", "instrucions", "--", "true")
    assert done.returncode == 2 and "did you mean 'instructions'" in done.stderr
    done = cli(tmp_path, "measure")
    assert done.returncode == 2 and "no command given" in done.stderr


def test_measure_accepts_the_valgrind_backend_the_hints_name(tmp_path: Path) -> None:
    # "no hardware PMU ... use backend='valgrind'": the measure command takes it
    done = cli(tmp_path, "measure", "--backend", "valgrind", "--", "true")
    assert done.returncode == 0, done.stderr
    assert "instructions" in done.stderr and "callgrind" in done.stderr


def test_measure_heading_is_one_unwrapped_line(tmp_path: Path) -> None:
    long_arg = "x" * 150
    done = cli(tmp_path, "measure", "--backend", "software", "--", "echo", long_arg)
    assert done.returncode == 0, done.stderr
    heading = [ln for ln in done.stderr.splitlines() if ln.startswith("Performance counter stats")]
    assert len(heading) == 1 and long_arg in heading[0]


def test_cluster_says_when_the_default_weight_merged_small_costs(tmp_path: Path) -> None:
    small = cli(tmp_path, "cluster", "-", stdin=b"1\n2\n4\n8\n")
    assert small.returncode == 0, small.stderr
    assert "note:" in small.stdout and "--weight" in small.stdout
    split = cli(tmp_path, "cluster", "-", "--weight", "0", stdin=b"1\n2\n4\n8\n")
    assert split.returncode == 0 and "note:" not in split.stdout
    data = json.loads(cli(tmp_path, "cluster", "-", "--json", stdin=b"1\n2\n4\n8\n").stdout)
    assert len(data["clusters"]) == 1 and "weight" in data["note"]


def test_counts_show_the_unit_of_clock_events() -> None:
    import perfcount

    with perfcount.measure(["task-clock", "page-faults"], backend="software") as m:
        sum(range(1000))
    import re

    text = repr(m.counts)
    assert re.search(r"task-clock=[\d,]+ ns", text), text
    assert re.search(r"page-faults=[\d,]+[,;]", text), text  # a plain count: no unit
