"""The reference cache's integrity: signed entries, a private key, re-measuring what fails.

Warnings about failing entries are logged (``perfcount.dpe.refcache``) and
kept in ``ReferenceCache.warnings``; the tests read both.

Real files in a temporary cache root; the end-to-end test tampers with the
costs a valgrind evaluation cached (instruction counts: the re-measured costs
equal the first run's exactly) and checks the score is the honest one; one test
runs a real sandboxed candidate that tries to read the key.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_evaluate import CANDIDATES, write_mini_dataset

from perfcount.dpe.refcache import KEY_FILE, CacheKeyError, ReferenceCache, secret_key

KEY: dict[str, Any] = {"dataset": "mini", "task_id": "t/1", "backend": "valgrind", "content": "x"}


def _logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    mine = [r for r in caplog.records if r.name == "perfcount.dpe.refcache"]
    assert all(r.levelno == logging.WARNING for r in mine)
    msgs = [r.getMessage() for r in mine]
    caplog.clear()
    return msgs


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _filled(root: Path, key: dict[str, Any] = KEY) -> ReferenceCache:
    cache = ReferenceCache(key, directory=root)
    cache.put(0, {"cost": 3000.0, "metric": "instructions"})
    cache.put(1, {"cost": 2000.0, "metric": "instructions"})
    cache.put_extra("expected", {"from_reference": 1, "outputs": [[1, 2], "x"]})
    return cache


def test_entries_are_signed_and_the_files_private(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "cache"
    cache = _filled(root)
    assert _mode(root) == 0o700 and _mode(root / "references") == 0o700
    key_file = root / KEY_FILE
    assert _mode(key_file) == 0o600 and key_file.stat().st_size == 32
    assert key_file.stat().st_uid == os.geteuid()
    assert _mode(cache.path) == 0o600 and _mode(Path(str(cache.path) + ".lock")) == 0o600
    data = json.loads(cache.path.read_text())
    assert data["format_version"] == 2
    assert set(data["references"]) == {"0", "1"}
    for rec in [*data["references"].values(), *data["extra"].values()]:
        assert len(rec["hmac"]) == 64
    again = ReferenceCache(KEY, directory=root)
    assert _logged(caplog) == []
    assert again.get(0) == {"cost": 3000.0, "metric": "instructions"}
    assert again.get_extra("expected") == {"from_reference": 1, "outputs": [[1, 2], "x"]}
    assert again.warnings == [] and (again.hits, again.misses) == (1, 0)
    # one key per cache root, made once
    assert secret_key(root) == key_file.read_bytes() == secret_key(root)
    assert secret_key(tmp_path / "other") != secret_key(root)


def test_an_edited_cost_is_measured_again_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = _filled(tmp_path)
    data = json.loads(cache.path.read_text())
    data["references"]["0"]["entry"]["cost"] = 1.0  # the digest is left as it was
    cache.path.write_text(json.dumps(data))
    tampered = ReferenceCache(KEY, directory=tmp_path)
    (logged,) = _logged(caplog)
    assert str(cache.path) in logged and "reference 0 failed the integrity check" in logged
    assert tampered.warnings == [logged.removeprefix("perfcount: ")]
    assert tampered.get(0) is None  # absent: the caller measures it again
    assert tampered.get(1) == {"cost": 2000.0, "metric": "instructions"}  # the rest is kept
    assert tampered.get_extra("expected") is not None
    # the failing entry is gone from the file: the next reader is not warned again
    assert set(json.loads(cache.path.read_text())["references"]) == {"1"}
    assert ReferenceCache(KEY, directory=tmp_path).get(0) is None and _logged(caplog) == []
    tampered.put(0, {"cost": 3001.0, "metric": "instructions"})  # re-measured
    healed = ReferenceCache(KEY, directory=tmp_path)
    assert healed.get(0) == {"cost": 3001.0, "metric": "instructions"} and not healed.warnings


def test_entries_signed_with_another_key_or_for_another_task_are_rejected(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mine = _filled(tmp_path / "mine")
    forged = _filled(tmp_path / "forger")  # a valid digest, under the forger's key
    shutil.copy(forged.path, mine.path)
    c = ReferenceCache(KEY, directory=tmp_path / "mine")
    assert "signed with another key" in c.warnings[0] and len(_logged(caplog)) == 1
    assert c.get(0) is None and c.get(1) is None and c.get_extra("expected") is None

    # an entry of another task, moved into this task's file (its key field rewritten)
    other_key = {**KEY, "task_id": "t/2"}
    other = _filled(tmp_path / "mine", other_key)
    data = json.loads(other.path.read_text())
    data["key"] = KEY
    mine.path.write_text(json.dumps(data))
    c = ReferenceCache(KEY, directory=tmp_path / "mine")
    assert "integrity check" in c.warnings[0] and len(_logged(caplog)) == 1
    assert c.get(0) is None


def test_files_without_digests_are_measured_again_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ReferenceCache(KEY, directory=tmp_path)
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    legacy = {"format_version": 1, "key": KEY, "references": {"0": {"cost": 5.0}}, "extra": {}}
    cache.path.write_text(json.dumps(legacy))
    old = ReferenceCache(KEY, directory=tmp_path)
    assert old.get(0) is None
    (logged,) = _logged(caplog)
    assert "no integrity digests" in logged and str(cache.path) in logged
    assert json.loads(cache.path.read_text())["format_version"] == 2  # rewritten, signed
    cache.path.write_text("{not json")
    assert ReferenceCache(KEY, directory=tmp_path).get(0) is None
    assert "not a JSON object" in _logged(caplog)[0]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_key_file_others_can_reach_is_refused(tmp_path: Path, mode: int) -> None:
    secret_key(tmp_path)
    (tmp_path / KEY_FILE).chmod(mode)
    with pytest.raises(CacheKeyError, match=f"mode {mode:04o}") as err:
        ReferenceCache(KEY, directory=tmp_path)
    assert "chmod 600" in str(err.value) and str(tmp_path / KEY_FILE) in str(err.value)


def test_a_key_file_that_is_a_link_or_damaged_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    secret_key(real)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / KEY_FILE).symlink_to(real / KEY_FILE)
    with pytest.raises(CacheKeyError, match="symbolic link"):
        secret_key(tmp_path / "cache")
    short = tmp_path / "short"
    short.mkdir()
    (short / KEY_FILE).write_bytes(b"0123")
    (short / KEY_FILE).chmod(0o600)
    with pytest.raises(CacheKeyError, match="4 bytes, not 32"):
        secret_key(short)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_key_file_of_another_user_is_refused(tmp_path: Path) -> None:
    secret_key(tmp_path)
    os.chown(tmp_path / KEY_FILE, 12345, 12345)
    with pytest.raises(CacheKeyError, match="belongs to uid 12345"):
        secret_key(tmp_path)


def _race(root: str, barrier: Any, out: Any) -> None:
    barrier.wait()
    out.put(secret_key(root))


def test_concurrent_first_uses_agree_on_one_key(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(6), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(str(tmp_path), barrier, out)) for _ in range(6)]
    for p in procs:
        p.start()
    keys = {out.get(timeout=60) for _ in procs}
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert keys == {(tmp_path / KEY_FILE).read_bytes()}
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_FILE]  # no temporary left


# ---------------------------------------------------------------- candidates cannot read it


@pytest.fixture
def open_base() -> Iterator[Path]:
    """A folder every user may enter (pytest's tmp folders are 0700: that alone would block)."""
    base = Path(tempfile.mkdtemp(prefix="perfcount-keytest-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base)


READER = """
def solve(paths):
    out = []
    for path in paths:
        try:
            with open(path, "rb") as f:
                out.append("read %d bytes" % len(f.read()))
        except OSError as exc:
            out.append("refused")
    return out
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="candidates get a uid of their own only under root")
def test_a_sandboxed_candidate_cannot_read_the_key_or_the_entries(open_base: Path) -> None:
    from perfcount.execute.runner import Runner

    root = open_base / "cache"
    cache = _filled(root)
    targets = [str(root / KEY_FILE), str(cache.path)]
    with Runner("software", timeout=10, verify=False) as runner:
        if "DAC_READ_SEARCH" in (runner.sandbox or ""):
            pytest.skip(f"candidates keep CAP_DAC_READ_SEARCH here: {runner.sandbox}")
        # the folder as perfcount makes it (0700), then opened up by hand: the files stay 0600
        first = runner.check(READER, "solve", [[targets]], [["refused", "refused"]])
        root.chmod(0o755)
        (root / "references").chmod(0o755)
        second = runner.check(READER, "solve", [[targets]], [["refused", "refused"]])
        # what the candidate may read, it does read (the check is not vacuous)
        probe = open_base / "public.txt"
        probe.write_text("hello")
        probe.chmod(0o644)
        third = runner.check(READER, "solve", [[[str(probe)]]], [["read 5 bytes"]])
    assert first.passed, first.error
    assert second.passed, second.error
    assert third.passed, third.error


# ---------------------------------------------------------------- end to end


@pytest.mark.needs_valgrind
def test_a_tampered_cache_cannot_raise_a_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue's attack: cheap reference costs written into the cache turn DPS 0 into 100."""
    from perfcount.pipeline.evaluation import evaluate

    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(tmp_path / "cache"))
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    # slower than every reference: DPS 0, and every reference is measured to know it
    rows = [{"task_id": "count_common", "solution": CANDIDATES["count_common"]["slow"]}]
    kw: dict[str, Any] = {"backend": "valgrind", "workers": 1, "progress": False}
    honest = evaluate(rows, ds, output=tmp_path / "a.jsonl", **kw)
    assert honest.samples[0]["dps"] == 0.0 and honest.samples[0]["cluster"] == -1
    costs = honest.samples[0]["reference_costs"]

    (path,) = (tmp_path / "cache" / "references").glob("count_common-*.json")
    data = json.loads(path.read_text())
    for rec in data["references"].values():
        rec["entry"]["cost"] = 1e15  # every reference "slower" than the candidate
    path.write_text(json.dumps(data))

    caplog.clear()
    again = evaluate(rows, ds, output=tmp_path / "b.jsonl", **kw)
    assert any(str(path) in msg for msg in _logged(caplog))
    sample, task = again.samples[0], again.tasks[0]
    assert sample["dps"] == 0.0 and sample["cluster"] == -1  # not 100
    assert sample["reference_costs"] == costs  # re-measured: the same instruction counts
    assert [r["cached"] for r in task["references"]] == [False, False, False]
    assert any(str(path) in w and "integrity" in w for w in task["warnings"])
    # the re-measured costs replaced the tampered ones, signed
    healed = ReferenceCache(_stored_key(path), directory=tmp_path / "cache")
    assert [healed.get(i)["cost"] for i in range(3)] == costs  # type: ignore[index]


def _stored_key(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text())["key"])


@pytest.mark.needs_valgrind
def test_costs_measured_by_another_version_of_the_tool_are_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """qemu 7.2 and 10.0 count one program differently: the tool's version is in the key."""
    from perfcount.counters.backends.valgrind import ValgrindBackend
    from perfcount.pipeline.evaluation import evaluate

    monkeypatch.setenv("PERFCOUNT_CACHE_DIR", str(tmp_path / "cache"))
    ds = write_mini_dataset(tmp_path / "mini.jsonl")
    rows = [{"task_id": "count_common", "solution": CANDIDATES["count_common"]["slow"]}]
    kw: dict[str, Any] = {"backend": "valgrind", "workers": 1, "progress": False}
    evaluate(rows, ds, output=tmp_path / "a.jsonl", **kw)
    (path,) = (tmp_path / "cache" / "references").glob("count_common-*.json")
    assert _stored_key(path)["tool"].startswith("callgrind, valgrind 3.")
    same = evaluate(rows, ds, output=tmp_path / "b.jsonl", **kw)
    assert [r["cached"] for r in same.tasks[0]["references"]] == [True, True, True]

    monkeypatch.setattr(ValgrindBackend, "tool", lambda self: "callgrind, valgrind 99.0.0")
    upgraded = evaluate(rows, ds, output=tmp_path / "c.jsonl", **kw)
    assert [r["cached"] for r in upgraded.tasks[0]["references"]] == [False, False, False]
