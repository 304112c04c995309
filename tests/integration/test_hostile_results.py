"""Whatever a candidate sends or raises, the evaluator and the fork server survive it.

Each candidate attacks the result channel or the error text; the verdict is
its own ``failed``/``crashed`` with a bounded message, and the same runner
then serves an honest candidate as if nothing happened.
"""

from __future__ import annotations

import pytest

from perfcount.execute.runner import Runner

HONEST = "def f(x):\n    return x + 1\n"

ATTACKS = {
    # the harness encodes the result with json.dumps in the candidate's process: patch it
    "deep_nesting": (
        "import json\n"
        "def f(x):\n"
        "    json.dumps = lambda *a, **k: '[' * 200000 + ']' * 200000\n"
        "    return x\n"
    ),
    "raw_infinity": (
        "import json\n"
        "def f(x):\n"
        '    json.dumps = lambda *a, **k: \'{"status": "ok", "outputs": [Infinity], "regions": []}\'\n'
        "    return x\n"
    ),
    "malformed_float_tag": (
        "import json\n"
        "def f(x):\n"
        '    json.dumps = lambda *a, **k: \'{"status": "ok", "outputs": [{"$float": []}]}\'\n'
        "    return x\n"
    ),
    "not_an_object": (
        "import json\ndef f(x):\n    json.dumps = lambda *a, **k: '[1, 2, 3]'\n    return x\n"
    ),
    "huge_exception_class_name": (
        "def f(x):\n    raise type('E' * 5_000_000, (Exception,), {})()\n"
    ),
    "huge_exit_code": "import sys\ndef f(x):\n    sys.exit('x' * 5_000_000)\n",
}


@pytest.fixture(scope="module")
def runner():
    with Runner("software", timeout=20, verify=False) as r:
        yield r


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_hostile_result_is_the_candidates_failure_only(runner: Runner, name: str) -> None:
    runner.check(HONEST, "f", [[1]], [2])
    runner.profile(HONEST, "f", [[1]])
    servers = {kind: s.proc.pid for kind, s in runner._servers.items()}
    for run in ("check", "profile"):
        if run == "check":
            res = runner.check(ATTACKS[name], "f", [[1]], [2])
        else:
            res = runner.profile(ATTACKS[name], "f", [[1]])
        assert res.status == "failed", (run, res.status, res.error[:300])
        assert len(res.error) <= 25_000, (run, len(res.error))
    # no fork server died of it
    assert {kind: s.proc.pid for kind, s in runner._servers.items()} == servers
    # the same fork server goes on with honest work
    assert runner.check(HONEST, "f", [[1]], [2]).passed
    assert runner.profile(HONEST, "f", [[1]]).status == "ok"


PLANT_DUMPS = """
import os
def f(x):
    folder = os.path.dirname(os.getcwd())  # the fork server's folder
    me = os.getpid()
    made = []
    for name, make in [(f'valgrind.{me + 1}.log', os.mkfifo), (f'cg.{me}', os.mkdir),
                       (f'valgrind.{me}.log.x', lambda p: os.symlink('/dev/zero', p))]:
        try:
            make(os.path.join(folder, name))
            made.append(name)
        except OSError:
            pass
    return made
"""


@pytest.mark.needs_valgrind
def test_candidates_cannot_plant_files_where_counts_are_read() -> None:
    # callgrind dumps go nowhere and valgrind's logs (the counts) are written as root into a
    # folder candidates may only pass through: nothing can be planted there
    with Runner("valgrind", timeout=60) as r:
        honest = r.profile(HONEST, "f", [[1]])
        planted = r.profile(PLANT_DUMPS, "f", [[1]])
        again = r.profile(HONEST, "f", [[1]])
    assert honest.status == "ok" and again.status == "ok"
    assert again.cost == honest.cost  # the next candidate is not disturbed
    assert planted.status == "ok", planted.error
    assert planted.outputs == [[]]
