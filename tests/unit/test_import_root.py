"""The fork server's canonical copy of perfcount (runner._import_root).

What it holds decides the heap every candidate child inherits, so it must be
the same for the same perfcount files whatever else lies in the package's
folders, and be rebuilt when it goes away.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import stat
from pathlib import Path

import pytest

from perfcount.execute import runner


def _part(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_modules_and_extensions_of_every_part_and_nothing_else(tmp_path: Path) -> None:
    a = _part(
        tmp_path / "src" / "perfcount",
        {
            "__init__.py": "",
            "x.py": "X = 'source'\n",
            "notes.txt": "a stray file",
            "__pycache__/x.cpython-311.pyc": "stale",
            "execute/__init__.py": "",
            "execute/server.py": "",
            "results.jsonl": "{}",
        },
    )
    b = _part(
        tmp_path / "site" / "perfcount",
        {"x.py": "X = 'installed'\n", "_native.cpython-311-x86_64-linux-gnu.so": "ELF"},
    )
    files = runner._package_files([str(a), str(b)])
    assert sorted(files) == [
        "perfcount/__init__.py",
        "perfcount/_native.cpython-311-x86_64-linux-gnu.so",
        "perfcount/execute/__init__.py",
        "perfcount/execute/server.py",
        "perfcount/x.py",
    ]
    assert files["perfcount/x.py"] == str(a / "x.py")  # the first part wins

    root = tmp_path / "perfcount-src-0123456789abcdef"
    runner._build_import_root(str(root), files)
    assert runner._usable_import_root(str(root))
    assert sorted(os.listdir(root / "perfcount")) == [
        "__init__.py",
        "__pycache__",
        "_native.cpython-311-x86_64-linux-gnu.so",
        "execute",
        "x.py",
    ]
    pyc = Path(importlib.util.cache_from_source(str(root / "perfcount" / "x.py")))
    data = pyc.read_bytes()
    # PEP 552: flags 0b01 = hash-based, not checked against the source (no timestamps)
    assert int.from_bytes(data[4:8], "little") == 0b01
    for d, _dirs, names in os.walk(root):
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o755
        for name in names:
            assert stat.S_IMODE(os.stat(os.path.join(d, name)).st_mode) == 0o644
    # nothing half-made is left beside it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".perfcount-src-")] == []


def test_the_same_files_give_the_same_copy_and_a_removed_one_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a private temporary root: the real copy is shared with fork servers starting now
    monkeypatch.setattr(runner, "_temp_root", lambda: str(tmp_path))
    runner._import_image.cache_clear()
    try:
        first = runner._import_root()
        assert os.path.dirname(first) == str(tmp_path)
        assert len(os.path.basename(first)) == len("perfcount-src-") + 16
        assert runner._import_root() == first
        shutil.rmtree(first)
        again = runner._import_root()
        assert again == first and (Path(again) / "perfcount" / "execute" / "server.py").is_file()
    finally:
        runner._import_image.cache_clear()


def test_a_folder_another_user_could_write_is_not_used(tmp_path: Path) -> None:
    root = tmp_path / "perfcount-src-fedcba9876543210"
    root.mkdir()
    os.chmod(root, 0o777)
    assert not runner._usable_import_root(str(root))
    os.chmod(root, 0o755)
    assert runner._usable_import_root(str(root))


def test_the_reference_cache_key_covers_every_file_the_servers_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # any module the server imports, and the names in its folders, move counts (two
    # lines in errors.py: -15 instructions; an empty module in execute/: +24)
    import perfcount

    before = runner.harness_digest()
    extra = _part(tmp_path / "part", {"execute/zz_probe.py": ""})
    monkeypatch.setattr(perfcount, "__path__", [*perfcount.__path__, str(extra)])
    runner._import_image.cache_clear()
    runner.harness_digest.cache_clear()
    try:
        assert runner.harness_digest() != before
    finally:
        monkeypatch.undo()
        runner._import_image.cache_clear()
        runner.harness_digest.cache_clear()
    assert runner.harness_digest() == before
