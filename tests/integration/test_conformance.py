"""One conformance suite for every deterministic backend (callgrind, qemu, cachegrind).

What a deterministic count promises, checked the same way on each: the same
candidate costs the same on every run and every runner; cost grows linearly
with the work; the whole life is counted (module code and output encoding,
not only the calls) and compiling is not; a fresh process per repeat; a
candidate cannot reset or restart its own count; and the sandbox still holds.

cachegrind needs valgrind >= 3.22 and perfcount built against its headers.
Where the system's valgrind is older, ``PERFCOUNT_TEST_CACHEGRIND_VALGRIND``
names a newer one for these runs only (``.ci/run`` installs Debian 13's into
a folder of its own and builds perfcount against its headers); the other
backends keep the valgrind on PATH.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from perfcount.execute.runner import Runner

BACKENDS = [
    pytest.param("valgrind", marks=pytest.mark.needs_valgrind),
    pytest.param(
        "qemu",
        marks=pytest.mark.needs_qemu,
    ),
    pytest.param("cachegrind", marks=pytest.mark.needs_valgrind),
]
#: a valgrind >= 3.22 for the cachegrind runs, where the one on PATH is older
CACHEGRIND_VALGRIND = os.environ.get("PERFCOUNT_TEST_CACHEGRIND_VALGRIND", "")

LOOP = "def f(n):\n    t = 0\n    for i in range(n):\n        t += i & 7\n    return t\n"


@pytest.fixture(scope="module", params=BACKENDS)
def det(request):
    from perfcount.counters.backends import BACKENDS as REGISTRY
    from perfcount.counters.callgrind import VALGRIND_ENV

    with pytest.MonkeyPatch.context() as mp:
        if request.param == "cachegrind" and CACHEGRIND_VALGRIND:
            mp.setenv(VALGRIND_ENV, CACHEGRIND_VALGRIND)
        try:
            REGISTRY[request.param]().check_available()
        except Exception as exc:  # any reason it cannot run here is a skip
            pytest.skip(f"{request.param} cannot count here: {exc}")
        with Runner(request.param, timeout=60) as r:
            yield r


def test_identical_counts_on_every_run_and_runner(det: Runner) -> None:
    costs = [det.profile(LOOP, "f", [[5000]]).cost for _ in range(3)]
    with Runner(det.backend, timeout=60) as other:
        costs.append(other.profile(LOOP, "f", [[5000]]).cost)
    assert len(set(costs)) == 1 and costs[0] > 0, costs


def test_cost_grows_linearly_with_the_work(det: Runner) -> None:
    c = {n: det.profile(LOOP, "f", [[n]]).cost for n in (10_000, 20_000, 40_000)}
    step1, step2 = c[20_000] - c[10_000], c[40_000] - c[20_000]
    assert step1 > 0 and step2 == pytest.approx(2 * step1, rel=1e-3), c


def test_module_code_and_encoding_are_counted_compiling_is_not(det: Runner) -> None:
    base = det.profile(LOOP, "f", [[100]]).cost
    # work at import time is the candidate's work too
    heavy_module = "T = sum(i & 7 for i in range(200_000))\n" + LOOP
    assert det.profile(heavy_module, "f", [[100]]).cost > base + 1_000_000
    # a comment costs nothing, whatever its length: the profile child gets the code
    # object, never the source's text (a 65-105 character comment moved this count by
    # -24 and a 200 kB one by +177 when the child compiled the source itself)
    for length in (0, 10, 65, 80, 100, 400, 200_000):
        commented = "#" + "x" * length + "\n" + LOOP
        assert det.profile(commented, "f", [[100]]).cost == base, length
    assert det.profile(LOOP.replace("\n", "  \n\n"), "f", [[100]]).cost == base
    # a big return value costs its encoding
    big = "def f(n):\n    return list(range(n))\n"
    small = "def f(n):\n    list(range(n))\n    return 0\n"
    assert det.profile(big, "f", [[50_000]]).cost > det.profile(small, "f", [[50_000]]).cost


_COUNT_ONE = (
    "import sys\nfrom perfcount.execute.runner import Runner\n"
    "with Runner(sys.argv[1], timeout=60) as r:\n"
    "    print(r.profile(sys.argv[2], 'f', [[300]]).cost)\n"
)


def test_counts_do_not_depend_on_what_the_import_folders_hold(det: Runner, tmp_path: Path) -> None:
    """Files beside or inside the perfcount package, in site-packages, or perfcount's
    ``.pyc`` files appearing, move no count.

    A fork server once imported perfcount from its parent folder, listed
    site-packages at start-up and loaded perfcount's modules from ``.pyc`` files
    when they existed: those listings and loads are allocations in the heap every
    child inherits, so the same candidate's count changed when a file appeared in
    a checkout (tests write some), a package was installed (+10 instructions under
    qemu), or bytecode caches were written (+487). Two evaluators run in their own
    virtual environment (site-packages of their own) with their own copy of
    perfcount: one clean, one with files planted everywhere and bytecode caches
    written. Nothing shared is touched: other tests' processes list those folders.
    """
    import subprocess
    import venv

    import perfcount
    from perfcount.execute.runner import _package_files

    # perfcount's modules and extensions, from every folder of its path (a checkout
    # beside an installed copy holds the extensions in the installed one)
    files = _package_files(perfcount.__path__)
    counts = []
    for name, dirty in (("a", False), ("b", True)):
        env_dir = tmp_path / name / "venv"
        venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=True).create(env_dir)
        python = env_dir / "bin" / "python"
        site_dir = Path(
            subprocess.check_output(
                [python, "-c", "import site; print(site.getsitepackages()[0])"], text=True
            ).strip()
        )
        copy = tmp_path / name / "src"
        for rel, src in files.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, copy / rel)
        if dirty:
            for folder in (copy, copy / "perfcount", copy / "perfcount" / "execute", site_dir):
                for i in range(3):
                    (folder / f"planted-{i}.txt").write_text("")
            subprocess.run([python, "-m", "compileall", "-q", str(copy)], check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONPATH"] = str(copy)
        out = subprocess.run(
            [python, "-c", _COUNT_ONE, det.backend, LOOP],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        counts.append(float(out.stdout.split()[-1]))
    assert counts[0] == counts[1] > 0, counts


def test_every_repeat_is_a_fresh_process(det: Runner) -> None:
    memo = "import os\nSEEN = []\ndef f(n):\n    SEEN.append(os.getpid())\n    return len(SEEN)\n"
    with Runner(det.backend, timeout=60, repeats=3) as r:
        p = r.profile(memo, "f", [[1], [1]])
    assert p.status == "ok" and p.outputs == [1, 2] and p.repeats == 3


ATTACKS = {
    "callgrind_zero": ("valgrind", "from perfcount import _native\n_native.callgrind_zero()"),
    "callgrind_restart": (
        "valgrind",
        "from perfcount import _native\n_native.callgrind_begin_candidate()\n"
        "_native.callgrind_stop('x')\n_native.callgrind_start()",
    ),
    "qemu_rearm": ("qemu", "from perfcount.counters.qemu import arm\narm(1)"),
    # a START while counting, issued as raw machine code (perfcount's binding starts only
    # once per process): cachegrind logs it, and the run fails
    "cachegrind_restart": ("cachegrind", "client_request((ord('C') << 24) | (ord('G') << 16))"),
}
REACHES = {"valgrind": {"valgrind"}, "cachegrind": {"cachegrind"}, "qemu": {"qemu"}}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_candidate_cannot_restart_its_own_count(det: Runner, attack: str) -> None:
    target, code = ATTACKS[attack]
    if "client_request(" in code:
        code = _raw_client_request() + code
    p = det.profile(code + "\n" + LOOP, "f", [[20_000]])
    if det.backend not in REACHES[target]:
        # another backend's request: a no-op (callgrind requests natively, the arm
        # marker an unknown syscall outside qemu)
        assert p.status == "ok", p.error
        return
    assert p.status == "failed" and "cannot be trusted" in p.error, (p.status, p.error[:300])


def _raw_client_request() -> str:
    """``client_request(request, *args)`` as candidate source: the forgery corpus's,
    valgrind's client request written as machine code at run time."""
    text = (Path(__file__).parents[1] / "forgery" / "raw_stop_instrumentation.py").read_text()
    start = text.index("_CODE = bytes.fromhex(")
    end = text.index("\n\n\ndef ", text.index("def client_request"))
    return "import ctypes\nimport mmap\n" + text[start:end] + "\n"


def test_the_sandbox_holds(det: Runner) -> None:
    probe = (
        "import os\n"
        "def f():\n"
        "    out = {}\n"
        "    for path in ('/etc/perfcount-conformance', os.path.expanduser('~root/x')):\n"
        "        try:\n"
        "            open(path, 'w').close()\n"
        "            out[path] = 'written'\n"
        "        except OSError as exc:\n"
        "            out[path] = exc.__class__.__name__\n"
        "    out['run'] = os.listdir('/run')\n"
        "    return out\n"
    )
    p = det.profile(probe, "f", [[]])
    assert p.status == "ok", p.error
    got = p.outputs[0]
    assert "written" not in got.values(), got
    assert got["run"] == []


#: two compute-bound Python threads; each notes its tag every 1,000 iterations, and the
#: result is the order of the runs of equal tags ([1, 2]: no switch in between)
THREADS = (
    "import threading\n"
    "def f(n):\n"
    "    order = []\n"
    "    def work(tag):\n"
    "        for i in range(n):\n"
    "            if i % 1000 == 0:\n"
    "                order.append(tag)\n"
    "    ts = [threading.Thread(target=work, args=(k,)) for k in (1, 2)]\n"
    "    for t in ts:\n"
    "        t.start()\n"
    "    for t in ts:\n"
    "        t.join()\n"
    "    return [k for i, k in enumerate(order) if i == 0 or order[i - 1] != k]\n"
)


def test_threads_switch_where_they_block_not_by_the_clock(det: Runner) -> None:
    """A candidate's threads hand the GIL over where they block, never because 5 ms of
    wall clock passed (``sandbox.GIL_SWITCH_INTERVAL``): how many switches a run makes,
    and the instructions they cost, do not follow the clock or the machine's load.

    What this removes, measured by ``benchmarks/threads.py``: under qemu, with
    Python's interval, this program switched 4-40 times and 5 runs spread over
    3,800 instructions at 2.1e7 and 39,144 at 2.1e8; with the runner's, once,
    and 537 and 444. What is left is glibc's lock and futex paths at the
    blocking hand-overs (docs/design.md).
    """
    p = det.profile(THREADS, "f", [[50_000]])
    assert p.status == "ok", p.error
    assert p.outputs == [[1, 2]], p.outputs  # thread 1 ran to its end, then thread 2
