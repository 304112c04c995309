"""Reading a candidate's count off valgrind's log (``callgrind.log_count``)."""

from __future__ import annotations

from perfcount.counters.callgrind import log_count

PID = 4242
HONEST = """==4242== Parent PID: 4200
--4242-- Valgrind library directory: /usr/libexec/valgrind
--4242-- Client Request: instrumentation switched ON
--4242--   Zeroing costs...
--4242--   ...done
--4242-- Symbol match: found runtime_resolve: ld-linux-x86-64.so.2 +0x121c0=0x40121c0
==4242==
--4242-- Start dumping at BB 43828 (Prg.Term.)...
--4242-- Dump to /dev/null
--4242-- Dumping done.
==4242== Events    : Ir
==4242== Collected : 163701
==4242==
==4242== I   refs:      163,701
"""


def _with(extra: str, before: str = "--4242-- Start dumping at BB 43828 (Prg.Term.)...") -> str:
    return HONEST.replace(before, extra + "\n" + before)


def test_an_honest_log_gives_the_total() -> None:
    assert log_count(HONEST, PID, began_here=True) == (163701, "", False)


def test_every_client_request_that_changes_the_count_shows() -> None:
    cases = {
        "zeroed": _with("--4242--   Zeroing costs..."),
        "switched": _with("--4242-- Client Request: instrumentation switched OFF"),
        "dumped": _with(
            "--4242-- Start dumping at BB 99 (Client Request: x)...\n--4242-- Dumping done."
        ),
        "wrote into": _with("**4242** hello"),
    }
    for word, text in cases.items():
        count, why, tampered = log_count(text, PID, began_here=True)
        assert count is None and tampered and word in why, (word, why)


def test_collection_switched_off_shows_in_the_block_count() -> None:
    # TOGGLE_COLLECT is silent in the log, but blocks are counted while collection is off
    toggled = HONEST.replace("Start dumping at BB 43828", "Start dumping at BB 27421903")
    count, why, tampered = log_count(toggled, PID, began_here=True)
    assert count is None and tampered and "TOGGLE_COLLECT" in why


def test_a_forged_total_line_is_caught() -> None:
    forged = _with("==4242== Collected : 1")
    count, why, tampered = log_count(forged, PID, began_here=True)
    assert count is None and tampered and "more than one total" in why


def test_a_process_that_did_not_end_under_valgrind_has_no_count() -> None:
    cut = HONEST[: HONEST.index("--4242-- Start dumping")]
    count, why, tampered = log_count(cut, PID, began_here=True)
    assert count is None and not tampered and "did not end under valgrind" in why


def test_a_process_that_never_began_must_not_switch() -> None:
    count, why, tampered = log_count(HONEST, PID, began_here=False)
    assert count is None and tampered and "switched" in why


# -- the repeats of one request: processes that had the same pid in turn --------------
def _runner_with_log(data: bytes):
    """A runner's server object with only what ``valgrind_logs`` reads (the log memfd)."""
    import os

    from perfcount.execute.runner import _Server

    server = _Server.__new__(_Server)
    server.vg_log = os.memfd_create("test-valgrind-log")
    os.write(server.vg_log, data)
    server._own_pids = {99}
    return server


def _log(pid: int, collected: int) -> str:
    return (
        HONEST.replace("4242", str(pid))
        .replace("163701", str(collected))
        .replace("163,701", f"{collected:,}")
    )


def test_each_repeat_gets_the_log_of_its_own_process() -> None:
    # every repeat's candidate is pid 2 of a namespace of its own: three logs under pid 2
    data = "".join(_log(2, n) for n in (163701, 263701, 363701)) + "==99== the server's own line\n"
    server = _runner_with_log(data.encode())
    runs = [{"pid": 5000 + i, "ns_pid": 2} for i in range(3)]
    server.valgrind_logs(runs)
    got = [log_count(r["logs"]["2"], 2, began_here=True)[0] for r in runs]
    assert got == [163701, 263701, 363701]


def test_more_process_logs_than_runs_under_one_pid_is_no_count() -> None:
    # a forged summary line splits one process's log in two: the rest joins the last
    # run's log, which then holds two summaries
    forged = "==2== I   refs:      5\n"
    data = _log(2, 111).replace("==2== Events    : Ir", forged + "==2== Events    : Ir")
    server = _runner_with_log(data.encode())
    runs = [{"pid": 5000, "ns_pid": 2}]
    server.valgrind_logs(runs)
    count, why, _ = log_count(runs[0]["logs"]["2"], 2, began_here=True)
    assert count is None and why
