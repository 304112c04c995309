"""perfcount._util.plain: the only form in which candidate outputs reach the evaluator."""

from __future__ import annotations

import json
import math
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfcount._util import plain

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.binary(max_size=8)
    | st.complex_numbers(allow_nan=False, allow_infinity=False)
)
hashables = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3),
    max_leaves=6,
)
values = st.recursive(
    scalars | st.sets(hashables, max_size=4) | st.frozensets(hashables, max_size=4),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(hashables, inner, max_size=3)
    ),
    max_leaves=15,
)


def through_json(v):
    return json.loads(json.dumps(plain.encode(v), allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(values)
def test_round_trip_through_json(v):
    enc = through_json(v)
    assert plain.decode(enc) == v
    assert plain.equal(enc, plain.encode(v))
    assert plain.first_difference(enc, plain.encode(v)) is None


@settings(max_examples=40, deadline=None)
@given(values)
def test_canonical_is_stable(v):
    assert plain.canonical(plain.encode(v)) == plain.canonical(through_json(v))


def test_types_are_tagged():
    assert plain.encode((1, 2)) == {"$tuple": [1, 2]}
    assert plain.encode({3, 1, 2}) == {"$set": [1, 2, 3]}
    assert plain.encode(frozenset()) == {"$frozenset": []}
    assert plain.encode(b"\x00\xff") == {"$bytes": "AP8="}
    assert plain.encode({1: "a"}) == {"$dict": [[1, "a"]]}
    assert plain.encode({"$x": 1}) == {"$dict": [["$x", 1]]}  # "$" keys cannot fake a tag
    assert plain.encode(float("inf")) == {"$float": "inf"}
    assert plain.encode(1 + 2j) == {"$complex": [1.0, 2.0]}
    assert plain.decode(plain.encode({"$x": 1})) == {"$x": 1}


def test_ordinary_json_decodes_to_itself():
    data = [[1, [2, 3]], {"a": [1.5, None, "s"]}]
    assert plain.decode(data) == data
    assert plain.encode(data) == data


@pytest.mark.parametrize(
    "value",
    [
        object(),
        OrderedDict(a=1),
        type("MyInt", (int,), {})(3),
        type("S", (str,), {})("x"),
        [1, print],
    ],
)
def test_non_plain_values_are_refused(value):
    with pytest.raises(plain.UnsupportedValue, match="is not plain data"):
        plain.encode(value)


def test_subclass_with_evil_eq_never_reaches_comparison():
    class Always(list):
        def __eq__(self, other):  # pragma: no cover - must never run
            raise AssertionError("candidate code ran in the evaluator")

    with pytest.raises(plain.UnsupportedValue):
        plain.encode(Always([1]))


def test_depth_limit():
    deep: list = []
    for _ in range(plain.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(plain.UnsupportedValue, match="deeper"):
        plain.encode(deep)


def test_equality_follows_python_semantics():
    e = plain.encode
    assert plain.equal(e(1), e(1.0))  # 1 == 1.0
    assert not plain.equal(e(True), e(1))  # bools are not numbers here
    assert not plain.equal(e((1, 2)), e([1, 2]))  # a tuple never equals a list
    assert plain.equal(e({1, 2}), e(frozenset({2, 1})))  # set == frozenset
    assert plain.equal(e(float("nan")), e(float("nan")))  # nan equals nan
    assert not plain.equal(e(float("inf")), e(float("-inf")))
    assert plain.equal(e({2: "b", 1: "a"}), e({1: "a", 2: "b"}))  # dict order is irrelevant
    assert not plain.equal(e("1"), e(1))
    assert not plain.equal(e(b"a"), e("a"))


def test_float_tolerance_applies_inside_containers():
    got = plain.encode({"k": [(0.1 + 0.2, 1.0)]})
    exp = plain.encode({"k": [(0.3, 1.0)]})
    assert not plain.equal(got, exp)
    assert plain.equal(got, exp, atol=1e-12)
    assert plain.equal(got, exp, rtol=1e-9)
    assert not plain.equal(plain.encode(1.0), plain.encode(1.1), rtol=0.01)


def test_first_difference_names_the_place():
    got = plain.encode({"a": [1, 2, (3, 4)]})
    exp = plain.encode({"a": [1, 2, (3, 5)]})
    assert plain.first_difference(got, exp) == "$[a][2][1]: got 4, expected 5"
    assert "length 2, expected 3" in plain.first_difference([1, 2], [1, 2, 3])
    assert "keys differ" in plain.first_difference({"a": 1}, {"b": 1})
    assert "got tuple, expected set" in plain.first_difference(
        plain.encode((1,)), plain.encode({1})
    )
    assert plain.first_difference(plain.encode({1, 2}), plain.encode({1, 3})) == "$: sets differ"
    long = plain.first_difference("x" * 500, "y")
    assert len(long) < 200  # long values are shortened


def test_non_finite_round_trip():
    enc = through_json([math.inf, -math.inf, math.nan])
    out = plain.decode(enc)
    assert out[0] == math.inf and out[1] == -math.inf and math.isnan(out[2])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"$float": []}, "float must be one of"),
        ({"$float": "pi"}, "float must be one of"),
        ({"$tuple": 3}, "needs a list"),
        ({"$set": {"a": 1}}, "needs a list"),
        ({"$dict": [[1]]}, "pairs"),
        ({"$bytes": "!!"}, "base64"),
        ({"$bytes": 12}, "base64"),
        ({"$complex": [1]}, "real, imag"),
        ({"$nope": 1}, "unknown tag"),
        ({"$tuple": [1], "x": 2}, "stand alone"),
        ([1.0, float("inf")], "non-finite"),
        ([{"k": object()}], "not JSON data"),
    ],
)
def test_validate_refuses_malformed_plain_data(data: object, message: str) -> None:
    from perfcount._util.plain import UnsupportedValue, validate

    with pytest.raises(UnsupportedValue, match=message):
        validate(data)


def test_validate_is_iterative_and_bounded() -> None:
    from perfcount._util.plain import UnsupportedValue, validate

    deep: list = []
    node = deep
    for _ in range(100_000):  # far past Python's recursion limit
        node.append([])
        node = node[0]
    with pytest.raises(UnsupportedValue, match="deeper"):
        validate(deep)
    with pytest.raises(UnsupportedValue, match="more than 1,000 values"):
        validate(list(range(2000)), max_nodes=1000)
    good = [1, {"$tuple": [1.5, {"$float": "nan"}]}, {"$set": [1, 2]}, {"a": {"$bytes": "aGk="}}]
    validate(good)
    assert plain.decode(good)[1][0] == 1.5
