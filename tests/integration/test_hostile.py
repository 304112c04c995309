"""The hostile corpus (tests/hostile/*.py) through the runner and through evaluate().

Every file there is one hostile or broken candidate defining ``solve(arg)``;
its header says what it does (``# hostile:``) and the status it must end with
(``# expect:``). An honest ``solve`` returns ``arg["x"] * 2``. For each one
this module checks:

- the status is the expected one, and the error text stays bounded;
- no process is left behind: nothing remains in the runner's pids cgroup, the
  fork server's process tree is the server, its zygote and at most the
  placeholder pid 1 of its candidates' pid namespace, and a daemon the
  candidate reports (``DAEMON <name>`` on stdout, the process name it gave
  itself) is dead;
- the filesystem outside the candidate's folder is untouched: a sentinel
  folder and the evaluator's cwd are snapshotted (names, sizes, contents,
  mtimes) before and after;
- no connection reached the loopback server the test listens on, and nothing
  the candidate returned was ever unpickled in the evaluator (marker file);
- the runner still answers an honest candidate correctly afterwards.

The evaluate() test mixes hostile and honest samples in one valgrind run and
asserts the honest samples' costs are identical to a run without them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from perfcount.execute.runner import Runner
from perfcount.execute.sandbox import CANDIDATE_UID_BASE, PIDS_ROOT

HOSTILE = Path(__file__).resolve().parent.parent / "hostile"
CASES = sorted(p.stem for p in HOSTILE.glob("*.py"))
HONEST = "def solve(arg):\n    return arg['x'] * 2\n"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not (PIDS_ROOT / "cgroup.procs").exists(),
    reason="the full sandbox (namespaces, own uid, cgroups) needs root and cgroup v1 pids",
)


def header(name: str) -> tuple[str, set[str]]:
    text = (HOSTILE / f"{name}.py").read_text()
    what = re.search(r"^# hostile: (.+)$", text, re.M)
    expect = re.search(r"^# expect: (.+)$", text, re.M)
    assert what and expect, f"{name}.py needs '# hostile:' and '# expect:' header lines"
    return what.group(1), {s.strip() for s in expect.group(1).split("|")}


def timeout_of(name: str) -> float | None:
    """An optional ``# timeout: N`` header overrides the runner's short timeout."""
    found = re.search(r"^# timeout: ([0-9.]+)", (HOSTILE / f"{name}.py").read_text(), re.M)
    return float(found.group(1)) if found else None


def test_corpus_is_large_and_documented() -> None:
    assert len(CASES) >= 25
    statuses = set()
    for name in CASES:
        _, expect = header(name)
        statuses |= expect
    # the corpus exercises every status the runner can report
    assert statuses == {"ok", "failed", "timeout", "memory", "crashed", "output_too_large"}


# -- the world the candidates attack ---------------------------------------------
class World:
    def __init__(self, root: Path) -> None:
        self.sentinel = root / "sentinel"
        self.cwd = root / "evaluator-cwd"
        self.marker = root / "unpickled-marker"
        for d in (self.sentinel, self.cwd, self.sentinel / "sub"):
            d.mkdir(parents=True, exist_ok=True)
        (self.sentinel / "keep.txt").write_text("precious\n")
        (self.sentinel / "sub" / "nested.bin").write_bytes(os.urandom(4096))
        (self.cwd / "results.jsonl").write_text('{"kind": "header"}\n')
        (self.cwd / "notes.txt").write_text("do not delete\n")
        self.connections: list[Any] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, addr = self.listener.accept()
            except OSError:
                return
            self.connections.append(addr)
            conn.close()

    def arg(self) -> dict[str, Any]:
        return {
            "x": 21,
            "sentinel": str(self.sentinel),
            "cwd": str(self.cwd),
            "port": self.port,
            "marker": str(self.marker),
            "evaluator": os.getpid(),
        }

    def snapshot(self) -> dict[str, tuple[int, int, str]]:
        out = {}
        for base in (self.sentinel, self.cwd):
            for p in sorted(base.rglob("*")):
                st = p.lstat()
                digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
                out[str(p)] = (st.st_size, st.st_mtime_ns, digest)
        out["/tmp/perfcount-hostile-was-here"] = (
            int(Path("/tmp/perfcount-hostile-was-here").exists()),
            0,
            "",
        )
        return out

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    w = World(tmp_path_factory.mktemp("hostile"))
    yield w
    w.close()


@pytest.fixture(scope="module")
def runner():
    with Runner(
        "software",
        timeout=2,
        memory_mb=256,
        max_pids=32,
        file_mb=4,
        output_mb=1,
        grace=0.3,
        repeats=1,
        verify=False,
    ) as r:
        # the sandbox is in force: an unprivileged uid of its own, read-only root
        c = r.check(
            "import os\ndef solve(arg):\n    return os.getuid() >= arg\n",
            "solve",
            [[CANDIDATE_UID_BASE]],
            [True],
        )
        assert c.passed, c.error
        yield r


@pytest.fixture(autouse=True)
def in_evaluator_cwd(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(world.cwd)


# -- leftovers -------------------------------------------------------------------
def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(root: int) -> set[int]:
    parents = {pid: _ppid(pid) for pid in _all_pids()}
    out: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, pp in parents.items() if pp in frontier} - out
        out |= frontier
    return out


def in_runner_cgroup(runner: Runner) -> list[int]:
    """Live processes whose pids cgroup lies under this runner's folder."""
    assert runner._cgroup.path is not None
    mine = "/" + str(runner._cgroup.path.relative_to(PIDS_ROOT))
    found = []
    for pid in _all_pids():
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
                _, controllers, path = line.split(":", 2)
                if "pids" in controllers.split(",") and path.startswith(mine):
                    found.append(pid)
    return found


def _ns_pids(pid: int) -> list[int]:
    """The pids of ``pid`` from the host's namespace down to its own (``NSpid``)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return [int(x) for x in line.split()[1:]]
    return []


def _names() -> set[str]:
    """The process names (``comm``) of every live process."""
    names = set()
    for pid in _all_pids():
        with contextlib.suppress(OSError):
            if _alive(pid):
                names.add(Path(f"/proc/{pid}/comm").read_text().strip())
    return names


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_nothing_left(runner: Runner, stdout: str) -> None:
    assert in_runner_cgroup(runner) == []
    for server in runner._servers.values():
        if server.alive():
            # the fork server's tree: its zygote and the placeholder pid 1 of its
            # candidates' pid namespace (alone in it), nothing else
            tree = descendants(server.proc.pid)
            inits = {p for p in tree if _ns_pids(p)[1:] == [1]}
            assert len(tree - inits) == 1 and len(inits) <= 1, (tree, inits)
            assert all(descendants(p) == set() for p in inits)
    for match in re.finditer(r"DAEMON (\w+)", stdout):
        assert match.group(1) not in _names(), "the candidate's daemon survived"
    if runner._cgroup.path is not None:
        assert [d for d in runner._cgroup.path.iterdir() if d.is_dir()] == []


# -- every candidate through the runner -------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_hostile_candidate_through_the_runner(name: str, runner: Runner, world: World) -> None:
    what, expect = header(name)
    source = (HOSTILE / f"{name}.py").read_text()
    before = world.snapshot()
    c = runner.check(source, "solve", [[world.arg()]], [42], timeout=timeout_of(name))
    assert c.status in expect, f"{name} ({what}): {c.status}: {c.error[:2000]}"
    if "ok" in expect:
        assert c.passed, c.error
    else:
        assert not c.passed
    assert len(c.error) < 100_000 and len(c.stdout) < 10_000
    assert_nothing_left(runner, c.stdout)
    assert world.snapshot() == before, "the candidate changed files outside its folder"
    assert world.connections == []
    assert not world.marker.exists(), "something the candidate returned was unpickled"
    # the evaluator's side is intact: the next honest candidate is fine
    assert runner.check(HONEST, "solve", [[world.arg()]], [42]).passed


def test_error_texts_are_specific(runner: Runner, world: World) -> None:
    def run(name: str):
        source = (HOSTILE / f"{name}.py").read_text()
        return runner.check(source, "solve", [[world.arg()]], [42], timeout=timeout_of(name))

    assert "result channel" in run("close_result_channel").error
    assert "result channel" in run("dup2_result_channel").error
    refused = run("loopback_connect").error
    assert "ConnectionRefusedError" in refused or "unreachable" in refused, refused
    assert "the parent is outside this pid namespace" in run("kill_parent").error
    oom = run("memory_bomb_forked").error
    assert "memory cgroup" in oom or "MemoryError" in oom, oom
    liar = run("eq_always_true").error
    assert "Liar" in liar, liar
    huge = run("huge_exception").error
    assert "ValueError" in huge and len(huge) < 30_000
    assert "exited with code 0 before reporting" in run("exec_replace").error


PROFILED = [
    "close_result_channel",
    "daemon_escape",
    "eq_always_true",
    "kill_everything",
    "kill_parent",
    "memory_bomb_forked",
    "sigstop_self",
    "zombie_factory",
]


@pytest.mark.parametrize("name", PROFILED)
def test_hostile_candidate_profiled(name: str, runner: Runner, world: World) -> None:
    """The same guarantees when the candidate is measured (software backend, real counters)."""
    _, expect = header(name)
    before = world.snapshot()
    source = (HOSTILE / f"{name}.py").read_text()
    p = runner.profile(source, "solve", [[world.arg()]], timeout=timeout_of(name))
    assert p.status in expect, f"{name}: {p.status}: {p.error[:2000]}"
    if p.status == "ok":
        assert p.outputs == [42] and p.cost is not None and p.cost > 1
    assert_nothing_left(runner, p.stdout)
    assert world.snapshot() == before
    ok = runner.profile(HONEST, "solve", [[world.arg()]])
    assert ok.status == "ok" and ok.outputs == [42]


def test_a_source_that_exhausts_the_compiler(runner: Runner, world: World) -> None:
    """Compiling is done in a sandboxed child of the native server (a profile child gets
    the code object): a source whose compiling needs gigabytes (10 MB, 5 million list
    items) ends as that candidate's status under its limits, and the runner goes on."""
    before = world.snapshot()
    bomb = HONEST + "A = [" + "1," * 5_000_000 + "]\n"
    p = runner.profile(bomb, "solve", [[world.arg()]])
    assert p.status in {"failed", "memory"}, f"{p.status}: {p.error[:2000]}"
    assert "does not compile" in p.error or p.status == "memory", p.error[:2000]
    assert len(p.error) <= 25_000
    assert_nothing_left(runner, p.stdout)
    assert world.snapshot() == before
    ok = runner.profile(HONEST, "solve", [[world.arg()]])
    assert ok.status == "ok" and ok.outputs == [42]


def test_forged_result_cannot_forge_the_cost(runner: Runner, world: World) -> None:
    # the candidate writes a well-formed result with a tiny count into every pipe it holds:
    # counts are taken by the server from outside the child, so the forged one is ignored
    p = runner.profile((HOSTILE / "forge_result.py").read_text(), "solve", [[world.arg()]])
    assert p.status == "ok" and p.cost is not None and p.cost > 1_000
    garbage = (
        "import os\ndef solve(arg):\n"
        "    for fd in range(3, 64):\n"
        "        try:\n"
        '            os.write(fd, b\'{"status": "ok", "outputs": [42, 43]}\')\n'
        "        except OSError:\n"
        "            pass\n"
        "    os._exit(0)\n"
    )
    bad = runner.profile(garbage, "solve", [[world.arg()]])
    assert bad.status == "failed" and "malformed result" in bad.error


def test_outputs_are_compared_as_plain_data_in_the_evaluator(runner: Runner, world: World) -> None:
    # a candidate that patches perfcount._util.plain in its own process cannot make a
    # wrong answer pass, and a returned object with a lying __eq__ never compares
    for name in ("monkeypatch_checker", "eq_always_true", "int_subclass_liar"):
        c = runner.check((HOSTILE / f"{name}.py").read_text(), "solve", [[world.arg()]], [42])
        assert not c.passed and c.status == "failed", name
    assert not world.marker.exists()


# -- in one evaluate() run with honest candidates (valgrind: exact counts) ----------
EVAL_HOSTILE = [
    "close_result_channel",
    "daemon_escape",
    "eq_always_true",
    "fork_bomb",
    "kill_everything",
    "kill_parent",
    "memory_bomb",
    "reduce_runs_code",
    "write_outside",
    "zombie_factory",
]


def _as_sum_squares(name: str, world: World) -> str:
    """A hostile file turned into a sum_squares sample: the hostile act, then the right answer."""
    source = (HOSTILE / f"{name}.py").read_text()
    arg = json.dumps(world.arg())
    if name in ("eq_always_true", "reduce_runs_code"):
        # these attack the comparison: return their object as the answer
        return source + f"\n\ndef sum_squares(n):\n    return solve({arg})\n"
    return (
        source
        + "\n\ndef sum_squares(n):\n"
        + f"    r = solve({arg})\n"
        + "    assert r == 42, r\n"
        + "    return (n - 1) * n * (2 * n - 1) // 6\n"
    )


@pytest.mark.needs_valgrind
@pytest.mark.slow
def test_hostile_samples_do_not_change_honest_scores(
    tmp_path: Path, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from test_evaluate import CANDIDATES, write_mini_dataset
    finally:
        sys.path.remove(str(Path(__file__).parent))
    import perfcount as pc

    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(tmp_path / "cache"))
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    honest = [
        {"task_id": "sum_squares", "solution": CANDIDATES["sum_squares"][k], "name": k}
        for k in ("slow", "medium")
    ]
    hostile = [
        {"task_id": "sum_squares", "solution": _as_sum_squares(n, world), "name": n}
        for n in EVAL_HOSTILE
    ]
    # hostile samples first, interleaved with the honest ones
    mixed = [*hostile[:5], honest[0], *hostile[5:], honest[1]]
    before = world.snapshot()
    kw: dict[str, Any] = dict(
        backend="valgrind", workers=1, progress=False, timeout=0.4, memory_mb=256, max_profile=None
    )
    clean = pc.evaluate(honest, ds, output=tmp_path / "clean.jsonl", **kw)
    dirty = pc.evaluate(mixed, ds, output=tmp_path / "dirty.jsonl", **kw)

    def by_name(ev: Any) -> dict[str, dict[str, Any]]:
        rows = [json.loads(line) for line in Path(ev.path).read_text().splitlines()]
        return {r["name"]: r for r in rows if r.get("kind") == "sample"}

    c, d = by_name(clean), by_name(dirty)
    for k in ("slow", "medium"):
        assert d[k]["status"] == "ok"
        assert d[k]["cost"] == c[k]["cost"]  # identical instruction counts
        assert d[k]["dps"] == c[k]["dps"] and d[k]["dps_norm"] == c[k]["dps_norm"]
    for n in EVAL_HOSTILE:
        assert d[n]["status"] != "ok" or n in ("daemon_escape", "zombie_factory", "write_outside")
    assert world.snapshot() == before
    assert world.connections == [] and not world.marker.exists()


def test_sandbox_degrades_with_reasons_when_not_permitted(tmp_path: Path) -> None:
    # an unprivileged process (as when the evaluator is not root) gets reasons, not errors
    import ctypes  # noqa: F401 - imported before the uid change (the interpreter may be unreadable)

    from perfcount.execute.sandbox import Limits, drop_capabilities, isolate

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(r)
            os.setgroups([])
            os.setresgid(65534, 65534, 65534)
            os.setresuid(65534, 65534, 65534)
            notes = isolate(Limits(), [], tmp_path)
            why = drop_capabilities()
            os.write(w, json.dumps({"notes": notes, "why": why}).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        got = json.loads(f.read())
    os.waitpid(pid, 0)
    assert any("unshare" in n and "not permitted" in n for n in got["notes"]), got
    assert any("filesystem is writable" in n for n in got["notes"]), got
    assert got["why"] is None or "PR_CAPBSET_DROP" in got["why"], got


@pytest.mark.needs_valgrind
def test_planted_callgrind_dumps_do_not_reach_later_candidates(world: World) -> None:
    loop = "def solve(arg):\n    t = 0\n    for i in range(2000):\n        t += i\n    return 42\n"
    planter = (HOSTILE / "plant_callgrind_dumps.py").read_text()
    with Runner("valgrind", timeout=2, memory_mb=256, verify=False) as vg:
        first = vg.profile(loop, "solve", [[world.arg()]])
        assert first.status == "ok", first.error
        p = vg.profile(planter, "solve", [[world.arg()]])
        # the server's folder is not writable by candidates at all: nothing gets planted
        assert p.status == "ok" and "PLANTED 0" in p.stdout, (p.status, p.error, p.stdout)
        for _ in range(3):
            again = vg.profile(loop, "solve", [[world.arg()]])
            assert again.status == "ok", again.error
            assert again.cost == first.cost  # exact callgrind counts, no planted dump used
