"""Plain data: the only values that cross from a candidate to the evaluator.

Candidate outputs are turned into JSON-ready *plain data* inside the
candidate's process and compared in the evaluator on that data alone, so a
returned object can never run code in the evaluator (no unpickling, no
``__eq__`` of the candidate's classes). Only exact built-in types are accepted;
subclasses (which could override ``__eq__``) are refused.

JSON has no tuples, sets, bytes, non-string keys or non-finite floats, so those
are tagged with a single ``"$"``-prefixed key, e.g. ``{"$tuple": [1, 2]}``.
Ordinary JSON (EvalPerf's ``pe_input``) decodes to itself.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "UnsupportedValue",
    "canonical",
    "decode",
    "encode",
    "equal",
    "first_difference",
    "validate",
]

MAX_DEPTH = 200

_FLOAT_TAGS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class UnsupportedValue(TypeError):
    """A value that is not plain data (or nests deeper than ``MAX_DEPTH``)."""


def encode(value: Any, _depth: int = 0) -> Any:
    """Plain data -> JSON-ready structure; raises ``UnsupportedValue`` otherwise."""
    if _depth > MAX_DEPTH:
        raise UnsupportedValue(f"value nests deeper than {MAX_DEPTH} levels")
    t = type(value)
    if value is None or t is bool or t is int or t is str:
        return value
    if t is float:
        if math.isfinite(value):
            return value
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    d = _depth + 1
    if t is list:
        return [encode(v, d) for v in value]
    if t is tuple:
        return {"$tuple": [encode(v, d) for v in value]}
    if t is set or t is frozenset:
        items = [encode(v, d) for v in value]
        items.sort(key=canonical)
        return {"$set" if t is set else "$frozenset": items}
    if t is dict:
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: encode(v, d) for k, v in value.items()}
        return {"$dict": [[encode(k, d), encode(v, d)] for k, v in value.items()]}
    if t is bytes or t is bytearray:
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if t is complex:
        return {"$complex": [encode(value.real, d), encode(value.imag, d)]}
    raise UnsupportedValue(
        f"{t.__module__}.{t.__qualname__} is not plain data; return built-in types "
        "(None, bool, int, float, str, bytes, list, tuple, dict, set)"
    )


#: at most this many values (containers and scalars) in one received output
MAX_NODES = 2_000_000

_TAG_ARITY = {"$tuple": None, "$set": None, "$frozenset": None, "$dict": None}


def validate(data: Any, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Check that ``data`` (just parsed from JSON sent by a candidate) is well-formed plain data.

    Iterative, so a hostile nesting cannot exhaust the evaluator's stack;
    checks the tags (known tag, right payload type and arity, valid base64,
    known float names), the depth, the number of values and that every float
    is finite. Raises :class:`UnsupportedValue` naming the first problem;
    :func:`decode` and the comparisons may then trust the shape.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise UnsupportedValue(f"more than {max_nodes:,} values")
        if depth > max_depth:
            raise UnsupportedValue(f"nests deeper than {max_depth} levels")
        t = type(value)
        if value is None or t is bool or t is int or t is str:
            continue
        if t is float:
            if not math.isfinite(value):
                raise UnsupportedValue("a raw non-finite float (they travel as {'$float': ...})")
            continue
        if t is list:
            stack.extend((v, depth + 1) for v in value)
            continue
        if t is not dict:
            raise UnsupportedValue(f"{t.__name__} is not JSON data")
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key.startswith("$"):
                _check_tag(key, inner)
                if key in ("$tuple", "$set", "$frozenset"):
                    stack.extend((v, depth + 1) for v in inner)
                elif key == "$dict":
                    for pair in inner:
                        stack.append((pair[0], depth + 1))
                        stack.append((pair[1], depth + 1))
                elif key == "$complex":
                    stack.extend((v, depth + 1) for v in inner)
                continue
        for k, v in value.items():
            if k.startswith("$"):
                raise UnsupportedValue(f"a {k!r} key beside other keys (tags stand alone)")
            stack.append((v, depth + 1))


def _check_tag(key: str, inner: Any) -> None:
    if key in ("$tuple", "$set", "$frozenset"):
        if type(inner) is not list:
            raise UnsupportedValue(f"{key} needs a list, got {type(inner).__name__}")
    elif key == "$dict":
        if type(inner) is not list or not all(type(p) is list and len(p) == 2 for p in inner):
            raise UnsupportedValue("$dict needs a list of [key, value] pairs")
    elif key == "$bytes":
        if type(inner) is not str:
            raise UnsupportedValue(f"$bytes needs base64 text, got {type(inner).__name__}")
        try:
            base64.b64decode(inner, validate=True)
        except ValueError:
            raise UnsupportedValue("$bytes is not valid base64") from None
    elif key == "$float":
        if type(inner) is not str or inner not in _FLOAT_TAGS:
            raise UnsupportedValue(f"$float must be one of {sorted(_FLOAT_TAGS)}, got {inner!r}")
    elif key == "$complex":
        if (
            type(inner) is not list
            or len(inner) != 2
            or not all(type(v) in (int, float) or type(v) is dict for v in inner)
        ):
            raise UnsupportedValue("$complex needs [real, imag]")
    else:
        raise UnsupportedValue(f"unknown tag {key!r}")


def decode(data: Any) -> Any:
    """Inverse of :func:`encode` (ordinary JSON decodes to itself)."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((key, inner),) = data.items()
        if key == "$tuple":
            return tuple(decode(v) for v in inner)
        if key == "$set":
            return {_hashable(decode(v)) for v in inner}
        if key == "$frozenset":
            return frozenset(_hashable(decode(v)) for v in inner)
        if key == "$dict":
            return {_hashable(decode(k)): decode(v) for k, v in inner}
        if key == "$bytes":
            return base64.b64decode(inner)
        if key == "$float":
            return _FLOAT_TAGS[inner]
        if key == "$complex":
            return complex(decode(inner[0]), decode(inner[1]))
    return {k: decode(v) for k, v in data.items()}


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def canonical(encoded: Any) -> str:
    """A stable string for an encoded value (used to order sets, dedupe outputs)."""
    return json.dumps(encoded, sort_keys=True, separators=(",", ":"), allow_nan=False)


def equal(got: Any, expected: Any, *, atol: float = 0.0, rtol: float = 0.0) -> bool:
    """Compare two *encoded* values with Python's equality semantics.

    Floats (also inside tuples, lists and dict values) compare with
    ``math.isclose(rel_tol=rtol, abs_tol=atol)``; ``nan`` equals ``nan``.
    ``int`` and ``float`` compare numerically as in Python; a tuple never
    equals a list. Set members and dict keys compare exactly.
    """
    return first_difference(got, expected, atol=atol, rtol=rtol) is None


def first_difference(
    got: Any, expected: Any, *, atol: float = 0.0, rtol: float = 0.0, path: str = "$"
) -> str | None:
    """``None`` when equal, else a short description of the first mismatch."""
    g_num, e_num = _number(got), _number(expected)
    if g_num is not None and e_num is not None:
        if g_num == e_num or (math.isnan(g_num) and math.isnan(e_num)):
            return None
        if (atol or rtol) and math.isclose(g_num, e_num, rel_tol=rtol, abs_tol=atol):
            return None
        return f"{path}: got {g_num!r}, expected {e_num!r}"
    if isinstance(got, list) and isinstance(expected, list):
        if len(got) != len(expected):
            return f"{path}: length {len(got)}, expected {len(expected)}"
        for i, (a, b) in enumerate(zip(got, expected)):
            if (
                diff := first_difference(a, b, atol=atol, rtol=rtol, path=f"{path}[{i}]")
            ) is not None:
                return diff
        return None
    if isinstance(got, dict) and isinstance(expected, dict):
        gk, ek = _tag(got), _tag(expected)
        if gk != ek and not ({gk, ek} <= {"$set", "$frozenset"}):
            return f"{path}: got {_kind(got)}, expected {_kind(expected)}"
        if gk in ("$set", "$frozenset"):
            if sorted(map(canonical, got[gk])) == sorted(map(canonical, expected[ek])):
                return None
            return f"{path}: sets differ"
        if gk == "$dict":
            gd = {canonical(k): v for k, v in got[gk]}
            ed = {canonical(k): v for k, v in expected[ek]}
            return _dict_difference(gd, ed, atol, rtol, path)
        if gk in ("$tuple", "$complex"):
            return first_difference(got[gk], expected[ek], atol=atol, rtol=rtol, path=path)
        if gk is not None:  # $bytes
            return (
                None
                if got == expected
                else f"{path}: got {_kind(got)} {got[gk]!r:.60}, expected {expected[ek]!r:.60}"
            )
        return _dict_difference(got, expected, atol, rtol, path)
    if type(got) is type(expected) and got == expected:
        return None
    return f"{path}: got {_short(got)}, expected {_short(expected)}"


def _dict_difference(got: dict, expected: dict, atol: float, rtol: float, path: str) -> str | None:
    if got.keys() != expected.keys():
        missing = sorted(expected.keys() - got.keys())[:3]
        extra = sorted(got.keys() - expected.keys())[:3]
        return f"{path}: keys differ (missing {missing}, unexpected {extra})"
    for k in expected:
        if (
            diff := first_difference(got[k], expected[k], atol=atol, rtol=rtol, path=f"{path}[{k}]")
        ) is not None:
            return diff
    return None


def _tag(d: dict) -> str | None:
    if len(d) == 1:
        (key,) = d
        if key in ("$tuple", "$set", "$frozenset", "$dict", "$bytes", "$complex"):
            return key
    return None


def _number(v: Any) -> float | None:
    if type(v) is bool:
        return None
    if type(v) is int:
        return v  # type: ignore[return-value]
    if type(v) is float:
        return v
    if isinstance(v, dict) and len(v) == 1 and "$float" in v:
        return _FLOAT_TAGS.get(v["$float"])
    return None


def _kind(v: Any) -> str:
    if isinstance(v, dict):
        return (_tag(v) or "$dict").lstrip("$")
    return type(v).__name__


def _short(v: Any) -> str:
    text = canonical(v) if not isinstance(v, str) else repr(v)
    return text if len(text) <= 80 else text[:77] + "..."
