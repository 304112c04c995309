"""Command tasks as data: languages, build/run templates, inputs, output comparison.

A command task (PerfCodeBench style: C, C++, Rust, Go, ... or any program) is
built from a source file with a build template and run with a run template;
its inputs are stdin text or bytes (with optional argv), and its outputs are
compared as text in one of :data:`COMPARE_MODES`. This module only describes
and compares; :mod:`perfcount.execute.commands` builds and runs.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from perfcount.errors import DatasetError, InvalidArgument

COMPARE_MODES = ("exact", "lines", "whitespace", "float")
DEFAULT_BUILD_TIMEOUT = 120.0
_SHOWN = 1500  # characters of compiler output / stderr kept in an error
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_TEMPLATE_NAMES = {"src", "bin", "dir"}

#: Per language: source file name, default build and run templates.
LANGUAGES: dict[str, dict[str, Any]] = {
    "c": {
        "source": "main.c",
        "build": ["gcc", "-O2", "-std=c11", "-pthread", "{src}", "-o", "{bin}", "-lm"],
        "run": ["{bin}"],
    },
    "cpp": {
        "source": "main.cpp",
        "build": ["g++", "-O2", "-std=c++17", "-pthread", "{src}", "-o", "{bin}"],
        "run": ["{bin}"],
    },
    "rust": {
        "source": "main.rs",
        "build": ["rustc", "-O", "{src}", "-o", "{bin}"],
        "run": ["{bin}"],
    },
    "go": {"source": "main.go", "build": ["go", "build", "-o", "{bin}", "{src}"], "run": ["{bin}"]},
    "sh": {"source": "main.sh", "build": None, "run": ["sh", "{src}"]},
    "bash": {"source": "main.sh", "build": None, "run": ["bash", "{src}"]},
    "python": {"source": "main.py", "build": None, "run": ["python3", "{src}"]},
}
LANGUAGE_ALIASES = {"c++": "cpp", "cxx": "cpp", "rs": "rust", "golang": "go", "py": "python"}
SOURCE_EXTENSIONS = {
    ".c": "c",
    ".cpp": "cpp",
    ".cc": "cpp",
    ".cxx": "cpp",
    ".rs": "rust",
    ".go": "go",
    ".sh": "sh",
    ".py": "python",
}


# --------------------------------------------------------------------------
# specs and inputs


def _template(value: Any, what: str) -> tuple[str, ...]:
    import shlex

    if isinstance(value, str):
        parts = shlex.split(value)
    elif isinstance(value, (list, tuple)) and all(isinstance(a, str) for a in value):
        parts = list(value)
    else:
        raise InvalidArgument(
            f"{what} must be an argv list of strings (or a command string), got {value!r}",
            hint='e.g. ["g++", "-O2", "{src}", "-o", "{bin}"]',
        )
    if not parts:
        raise InvalidArgument(f"{what} is empty", hint="give the program and its arguments")
    for a in parts:
        for name in _PLACEHOLDER.findall(a):
            if name not in _TEMPLATE_NAMES:
                raise InvalidArgument(
                    f"{what}: unknown placeholder {{{name}}} in {a!r}",
                    hint="use {src} (source file), {bin} (built program), {dir} (build folder)",
                )
    return tuple(parts)


def fill_template(template: Sequence[str], values: Mapping[str, str]) -> list[str]:
    return [_PLACEHOLDER.sub(lambda m: values[m.group(1)], a) for a in template]


@dataclass(frozen=True)
class CommandSpec:
    """How to build, run and check one command task's candidates.

    ``build`` is ``None`` for interpreted languages; ``source_name`` is the
    file the candidate is written to (``main.c``, ...); ``compare`` one of
    :data:`COMPARE_MODES`; ``build_timeout`` seconds.
    """

    language: str
    run: tuple[str, ...]
    build: tuple[str, ...] | None = None
    source_name: str = "main.txt"
    compare: str = "whitespace"
    atol: float = 0.0
    rtol: float = 0.0
    build_timeout: float = DEFAULT_BUILD_TIMEOUT
    env: Mapping[str, str] | None = None

    @classmethod
    def create(
        cls,
        language: str,
        *,
        run: Any = None,
        build: Any = "default",
        compare: str = "whitespace",
        atol: float = 0.0,
        rtol: float = 0.0,
        build_timeout: float = DEFAULT_BUILD_TIMEOUT,
        source_name: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> CommandSpec:
        """Validate and fill language defaults (``build="default"``; ``None`` = no build)."""
        if not isinstance(language, str) or not language:
            raise InvalidArgument(f"language must be a non-empty string, got {language!r}")
        lang = LANGUAGE_ALIASES.get(language.lower(), language.lower())
        defaults = LANGUAGES.get(lang, {})
        if build == "default":
            build = defaults.get("build")
            if build is None and not defaults:
                raise InvalidArgument(
                    f"no default build command for language {language!r}",
                    hint="give the task a build argv template, e.g. "
                    '["cc", "{src}", "-o", "{bin}"], or build: null for interpreted code',
                )
        if run is None:
            run = defaults.get("run", ["{bin}"])
        run_t = _template(run, "run")
        build_t = None if build is None else _template(build, "build")
        if build_t is None and any("{bin}" in a for a in run_t):
            raise InvalidArgument(
                "run uses {bin} but there is no build step",
                hint="give a build template that writes {bin}, or run {src} with an interpreter",
            )
        if compare not in COMPARE_MODES:
            raise InvalidArgument(
                f"unknown compare mode {compare!r}", hint="use one of: " + ", ".join(COMPARE_MODES)
            )
        for name, tol in (("atol", atol), ("rtol", rtol)):
            if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol >= 0:
                raise InvalidArgument(f"{name} must be a number >= 0, got {tol!r}")
        if not isinstance(build_timeout, (int, float)) or not build_timeout > 0:
            raise InvalidArgument(f"build_timeout must be > 0 seconds, got {build_timeout!r}")
        name = source_name or defaults.get("source") or f"main.{lang}"
        if "/" in name or name in (".", ".."):
            raise InvalidArgument(f"source_name must be a plain file name, got {name!r}")
        return cls(
            language=lang,
            run=run_t,
            build=build_t,
            source_name=name,
            compare=compare,
            atol=float(atol),
            rtol=float(rtol),
            build_timeout=float(build_timeout),
            env=dict(env) if env is not None else None,
        )

    @classmethod
    def from_task(cls, task: Any) -> CommandSpec:
        """The spec of a :class:`perfcount.dpe.datasets.Task` (``extra`` may hold ``compare``,
        ``build_timeout``, ``source_name``, and ``no_build: true`` for interpreted code)."""
        extra = dict(getattr(task, "extra", {}) or {})
        build = None if extra.get("no_build") else (task.build or "default")
        try:
            return cls.create(
                task.language,
                run=task.run,
                build=build,
                compare=extra.get("compare", "whitespace"),
                atol=task.atol,
                rtol=task.rtol,
                build_timeout=extra.get("build_timeout", DEFAULT_BUILD_TIMEOUT),
                source_name=extra.get("source_name"),
            )
        except InvalidArgument as exc:
            raise DatasetError(str(exc), path=task.task_id, hint=exc.hint) from None


@dataclass(frozen=True)
class CommandInput:
    """One process of a workload: bytes fed to stdin and extra argv items."""

    stdin: bytes = b""
    args: tuple[str, ...] = ()

    def describe(self, limit: int = 120) -> str:
        text = self.stdin[:limit].decode("utf-8", "replace").replace("\n", "\\n")
        more = "..." if len(self.stdin) > limit else ""
        args = f" args={list(self.args)}" if self.args else ""
        return f"(stdin {len(self.stdin)} bytes: {text!r}{more}{args})"


def parse_input(item: Any, where: str = "input") -> CommandInput:
    """A workload/test item -> :class:`CommandInput`.

    Accepts a string (stdin text), ``bytes``, or ``{"stdin": str, "args": [...]}``
    / ``{"stdin_base64": str, ...}``; a one-element list holding one of those
    is unwrapped (argument-list style).
    """
    if isinstance(item, list) and len(item) == 1:
        item = item[0]
    if isinstance(item, str):
        return CommandInput(item.encode())
    if isinstance(item, (bytes, bytearray)):
        return CommandInput(bytes(item))
    if isinstance(item, Mapping):
        unknown = set(item) - {"stdin", "stdin_base64", "args"}
        if unknown:
            raise InvalidArgument(
                f"{where}: unknown keys {sorted(unknown)}",
                hint='an input is {"stdin": text, "args": [strings]}',
            )
        data = b""
        if "stdin" in item and "stdin_base64" in item:
            raise InvalidArgument(f"{where}: give stdin or stdin_base64, not both")
        if "stdin" in item:
            if not isinstance(item["stdin"], str):
                raise InvalidArgument(f"{where}: stdin must be a string")
            data = item["stdin"].encode()
        elif "stdin_base64" in item:
            try:
                data = base64.b64decode(item["stdin_base64"], validate=True)
            except (ValueError, TypeError) as exc:
                raise InvalidArgument(f"{where}: stdin_base64 is not base64 ({exc})") from None
        args = item.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise InvalidArgument(f"{where}: args must be a list of strings")
        return CommandInput(data, tuple(args))
    raise InvalidArgument(
        f"{where}: a command input is a string (stdin) or an object, not {type(item).__name__}",
        hint='e.g. "3 4\\n" or {"stdin": "3 4\\n", "args": ["--fast"]}',
    )


# --------------------------------------------------------------------------
# output comparison

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$", re.I)


def compare_output(
    got: str, expected: str, mode: str = "whitespace", *, atol: float = 0.0, rtol: float = 0.0
) -> str | None:
    """``None`` when ``got`` matches ``expected`` under ``mode``, else what differs first."""
    if not isinstance(expected, str):
        return f"the expected output is a {type(expected).__name__}, not stdout text"
    if mode == "exact":
        if got == expected:
            return None
        i = next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b), None)
        if i is None:
            i = min(len(got), len(expected))
        return (
            f"stdout differs at character {i}: got {got[i : i + 40]!r}, "
            f"expected {expected[i : i + 40]!r}"
        )
    if mode == "lines":
        a = [ln.rstrip() for ln in got.splitlines()]
        b = [ln.rstrip() for ln in expected.splitlines()]
        while a and not a[-1]:
            a.pop()
        while b and not b[-1]:
            b.pop()
        for k, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return f"line {k + 1}: got {x[:80]!r}, expected {y[:80]!r}"
        if len(a) != len(b):
            return f"got {len(a)} lines, expected {len(b)}"
        return None
    if mode not in ("whitespace", "float"):
        raise InvalidArgument(f"unknown compare mode {mode!r}", hint=", ".join(COMPARE_MODES))
    ta, tb = got.split(), expected.split()
    for k, (x, y) in enumerate(zip(ta, tb)):
        if x == y:
            continue
        if mode == "float" and _NUMBER.match(x) and _NUMBER.match(y):
            fx, fy = float(x), float(y)
            if (math.isnan(fx) and math.isnan(fy)) or math.isclose(
                fx, fy, rel_tol=rtol, abs_tol=atol
            ):
                continue
            return f"token {k}: got {x}, expected {y} (atol={atol:g}, rtol={rtol:g})"
        return f"token {k}: got {x[:80]!r}, expected {y[:80]!r}"
    if len(ta) != len(tb):
        return f"got {len(ta)} output tokens, expected {len(tb)}"
    return None
