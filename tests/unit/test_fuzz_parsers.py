"""Hypothesis fuzzing of every parser of user files, and of the CLI arguments.

The property: malformed input ends in a ``PerfcountError`` that names where
(the file, and the line or field where one applies) -- never a traceback from
deep inside (KeyError, TypeError, UnicodeDecodeError, ...). Valid rows mutated
one field at a time reach the deep validation code; raw bytes reach the
decoding layers.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfcount.errors import DatasetError, PerfcountError

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

DATASET_ROW = {
    "task_id": "t",
    "entry_point": "f",
    "reference": ["def f(x):\n    return x\n", "def f(x):\n    return x\n"],
    "scores": [50.0, 100.0],
    "pe_input": [[1]],
    "tests": [[1], [2]],
    "expected": [1, 2],
    "description": "identity",
}
DATASET_HEADER = {"format": "perfcount-dataset", "format_version": 1, "name": "fz", "version": "1"}
POOL_ROW = {
    "task_id": "p",
    "entry_point": "f",
    "solutions": ["def f(x):\n    return x\n"],
    "pe_input": [[1]],
    "tests": [[1]],
    "atol": 0,
}
SAMPLE_ROW = {"task_id": "t", "solution": "def f(x):\n    return x\n"}


def mutated(row: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The row with one field dropped, replaced by any JSON value, or added; or not a dict."""
    keys = sorted(row)
    drop = st.sampled_from(keys).map(lambda k: {a: b for a, b in row.items() if a != k})
    replace = st.tuples(st.sampled_from(keys), json_values).map(lambda kv: {**row, kv[0]: kv[1]})
    nested = st.tuples(st.sampled_from(keys), st.lists(json_values, max_size=3)).map(
        lambda kv: {**row, kv[0]: [kv[1]]}
    )
    extra = st.tuples(st.text(max_size=10), json_values).map(lambda kv: {**row, kv[0]: kv[1]})
    return drop | replace | nested | extra | json_values


def lines_of(objs: list[Any]) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objs)


raw_lines = st.lists(
    st.binary(max_size=60).filter(lambda b: b"\n" not in b)
    | st.sampled_from([b"{", b'{"task_id": ', b"\xff\xfe", b"\xc3\x28", b"[]", b"null", b'"x"']),
    min_size=1,
    max_size=4,
).map(lambda xs: b"\n".join(xs) + b"\n")


@contextlib.contextmanager
def file_with(data: bytes, suffix: str = ".jsonl"):
    fd, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        yield name
    finally:
        os.unlink(name)


def assert_located(exc: PerfcountError, path: str) -> None:
    text = str(exc)
    assert path in text or (isinstance(exc, DatasetError) and exc.path == path), text
    assert text.strip(), "an error without a message"


# -- datasets ----------------------------------------------------------------------
def _read_dataset(data: bytes) -> None:
    from perfcount.dpe.datasets import read_dataset

    with file_with(data) as path:
        try:
            ds = read_dataset(path)
        except PerfcountError as exc:
            assert_located(exc, path)
        else:
            for task in ds.values():  # what loaded is usable
                assert isinstance(task.task_id, str)


@SETTINGS
@given(row=mutated(DATASET_ROW))
def test_dataset_rows(row: Any) -> None:
    _read_dataset(lines_of([DATASET_HEADER, row]))


@SETTINGS
@given(header=mutated(DATASET_HEADER))
def test_dataset_headers(header: Any) -> None:
    _read_dataset(lines_of([header, DATASET_ROW]))


@SETTINGS
@given(data=raw_lines)
def test_dataset_raw_bytes(data: bytes) -> None:
    _read_dataset(data)


# -- samples -----------------------------------------------------------------------
def _load_samples(data: bytes) -> None:
    from perfcount.pipeline.evaluation import load_samples

    with file_with(data) as path:
        try:
            rows = load_samples(path, known_tasks=["t"])
        except PerfcountError as exc:
            assert_located(exc, path)
        else:
            assert all(isinstance(r["solution"], str) for r in rows)


@SETTINGS
@given(row=mutated(SAMPLE_ROW))
def test_sample_rows(row: Any) -> None:
    _load_samples(lines_of([SAMPLE_ROW, row]))


@SETTINGS
@given(data=raw_lines)
def test_samples_raw_bytes(data: bytes) -> None:
    _load_samples(data)


# -- curation pools: JSONL and task folders ------------------------------------------
def _load_pool(data: bytes) -> None:
    from perfcount.pipeline.curation import load_pool

    with file_with(data) as path:
        try:
            rows = load_pool(path)
        except PerfcountError as exc:
            assert_located(exc, path)
        else:
            assert all(isinstance(r["task_id"], str) for r in rows)


@SETTINGS
@given(row=mutated(POOL_ROW))
def test_pool_rows(row: Any) -> None:
    _load_pool(lines_of([row]))


@SETTINGS
@given(data=raw_lines)
def test_pool_raw_bytes(data: bytes) -> None:
    _load_pool(data)


TASK_JSON = {"entry_point": "f", "atol": 0, "trusted": "s1"}
TESTS_JSON = {"inputs": [[1]], "expected": [1]}


@SETTINGS
@given(
    meta=mutated(TASK_JSON) | raw_lines,
    tests=mutated(TESTS_JSON) | raw_lines,
    inputs=st.sampled_from(
        [
            b"def test_inputs():\n    return [[1]]\ndef perf_input_gen(scale):\n    return [[scale]]\n",
            b"\xff\xfe not utf-8",
            b"",
        ]
    ),
    solution=st.sampled_from([b"def f(x):\n    return x\n", b"\xc3\x28"]),
)
def test_pool_task_folders(meta: Any, tests: Any, inputs: bytes, solution: bytes) -> None:
    from perfcount.pipeline.curation import load_pool

    with tempfile.TemporaryDirectory() as root:
        task = Path(root) / "task1"
        (task / "solutions").mkdir(parents=True)
        (task / "task.json").write_bytes(meta if isinstance(meta, bytes) else lines_of([meta]))
        (task / "tests.json").write_bytes(tests if isinstance(tests, bytes) else lines_of([tests]))
        (task / "inputs.py").write_bytes(inputs)
        (task / "solutions" / "s1.py").write_bytes(solution)
        try:
            load_pool(root)
        except PerfcountError as exc:
            assert root in str(exc), str(exc)


# -- results files -----------------------------------------------------------------
@SETTINGS
@given(data=raw_lines, row=mutated({"kind": "task", "task_id": "t"}))
def test_results_files(data: bytes, row: Any) -> None:
    from perfcount.dpe.results import read_results

    header = {"kind": "header", "format": "perfcount-results", "format_version": 1}
    for blob in (data, lines_of([header, row]), lines_of([header]) + data):
        with file_with(blob) as path:
            try:
                read_results(path)
            except PerfcountError as exc:
                assert_located(exc, path)


# -- the CLI -----------------------------------------------------------------------
# subcommands that only parse files or numbers before doing any work; `run` and
# `measure` execute what they are given and are left out on purpose
SUBCOMMANDS = ["evaluate", "score", "cluster", "curate", "compare", "plot", "info"]
OPTIONS = [
    "--dataset",
    "--workers",
    "--backend",
    "--timeout",
    "--memory-mb",
    "--max-profile",
    "--min-correct",
    "--tasks",
    "--bias",
    "--weight",
    "--task",
    "--sample",
    "-o",
    "--json",
    "--no-cache",
    "--no-progress",
]
VALUES = st.sampled_from(
    ["-1", "0", "nan", "inf", "1e999", "x", "", "software", "valgrind", "local:0", "tcp://"]
) | st.text(max_size=12).filter(lambda s: "\x00" not in s)


@SETTINGS
@given(
    command=st.sampled_from(SUBCOMMANDS),
    args=st.lists(st.sampled_from(OPTIONS) | VALUES, max_size=6),
    content=raw_lines | st.just(lines_of([SAMPLE_ROW])),
)
def test_cli_arguments(command: str, args: list[str], content: bytes) -> None:
    from perfcount.cli import main

    with file_with(content) as path, tempfile.TemporaryDirectory() as out:
        argv = [command, path, *args]
        # never write next to the fuzz inputs or into the checkout
        if command in ("evaluate", "curate", "plot") and "-o" not in args:
            argv += ["-o", os.path.join(out, "out.jsonl")]
        if command == "evaluate" and "--dataset" not in args:
            argv += ["--dataset", path]  # malformed: fails before anything runs
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: usage error
                code = exc.code if isinstance(exc.code, int) else 2
        assert code in (0, 1, 2), (argv, code, err.getvalue()[-2000:])
        assert "Traceback" not in err.getvalue(), (argv, err.getvalue()[-3000:])


def test_cli_error_names_the_file_and_line(tmp_path: Path) -> None:
    from perfcount.cli import main

    bad = tmp_path / "samples.jsonl"
    bad.write_text('{"task_id": "t", "solution": "x"}\n{"task_id": 3}\n')
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["evaluate", str(bad), "--dataset", str(bad), "-o", str(tmp_path / "o")])
    assert code == 2
    assert f"{bad}:1" in err.getvalue() or f"{bad}:2" in err.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe\n", b'{"task_id": "t", "solution": "\xc3\x28"}\n', b"[1, 2]\n", b"{" * 100_000],
)
def test_samples_examples(data: bytes) -> None:
    _load_samples(data)
