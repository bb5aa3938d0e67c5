"""Canonical JSON: one byte form per value, round trips, and the refusals."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import InvalidJson
from trustmarket.ledger.canonical import canonical_json, parse_canonical

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)


def test_known_forms() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'
    assert canonical_json("é€😀") == '"é€😀"'.encode()
    assert canonical_json('a"\\\n') == b'"a\\"\\\\\\n"'
    assert canonical_json(1.5) == b"1.5"
    assert canonical_json(10**30) == b"1000000000000000000000000000000"
    assert canonical_json((1, 2)) == b"[1,2]"
    assert canonical_json({"z": {"b": 2, "a": 1}}) == b'{"z":{"a":1,"b":2}}'


def test_key_order_does_not_matter() -> None:
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (math.nan, "finite"),
        (math.inf, "finite"),
        ([1, -math.inf], "[1]"),
        ({1: "x"}, "keys must be strings"),
        ({"a": b"bytes"}, "type bytes"),
        ({"a": {1, 2}}, "type set"),
        ("\ud800", "surrogate"),
        ({"\udfff": 1}, "surrogate"),
        (object(), "allowed: None"),
    ],
)
def test_values_without_a_canonical_form_are_refused(value: object, fragment: str) -> None:
    with pytest.raises(InvalidJson, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        canonical_json(value)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_round_trip_and_agreement_with_json(value: object) -> None:
    data = canonical_json(value)
    assert parse_canonical(data) == value
    assert canonical_json(json.loads(data)) == data


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=5), st.integers(), min_size=2, max_size=6))
def test_insertion_order_never_changes_the_bytes(mapping: dict[str, int]) -> None:
    reversed_mapping = dict(reversed(list(mapping.items())))
    assert canonical_json(mapping) == canonical_json(reversed_mapping)


@pytest.mark.parametrize(
    "data",
    [
        b'{"b":1,"a":2}',
        b'{"a": 1}',
        b" 1",
        b'{"a":1,"a":1}',
        b"NaN",
        b"[Infinity]",
        b"1.0e0",
        b"\xff",
        b'"\\u00e9"',
        b"{",
    ],
)
def test_non_canonical_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidJson):
        parse_canonical(data)


def test_parse_wants_bytes() -> None:
    with pytest.raises(InvalidJson, match="bytes, not str"):
        parse_canonical("{}")  # type: ignore[arg-type]
