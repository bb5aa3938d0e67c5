"""Dataclasses to JSON-ready values and back (trustmarket.core.serialization)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import (
    BidSyntaxError,
    CurrencyError,
    FileFormatError,
    InvalidAmount,
    InvalidInput,
    InvalidRules,
)
from trustmarket.core.money import CURRENCY_DIGITS, Money
from trustmarket.core.serialization import from_jsonable, to_jsonable


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


@dataclass(frozen=True)
class Inner:
    price: Money
    colour: Colour


@dataclass(frozen=True)
class Outer:
    name: str
    count: int
    flag: bool
    inner: Inner
    pair: tuple[int, str]
    many: tuple[Inner, ...]
    names: list[str]
    tags: set[str]
    scores: dict[str, int]
    maybe: Money | None = None
    extra: Any = None
    defaults: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Checked:
    """Raises the error named by ``kind`` on construction, like engine configs do."""

    kind: str

    def __post_init__(self) -> None:
        if self.kind == "rules":
            raise InvalidRules("tie-breaking must be one of earliest, random")
        if self.kind == "syntax":
            raise BidSyntaxError("expected ']'", "[a b", 4)
        if self.kind == "file":
            raise FileFormatError("bad header", "inst.txt", 2)


class Record(NamedTuple):
    """A hot record kept as a tuple (like a sealed bid): serialised by field name."""

    name: str
    price: Money
    count: int = 1


money = st.builds(
    Money,
    st.integers(min_value=-(10**18), max_value=10**18),
    st.sampled_from(sorted(CURRENCY_DIGITS)),
)
inners = st.builds(Inner, money, st.sampled_from(Colour))
outers = st.builds(
    Outer,
    name=st.text(max_size=10),
    count=st.integers(),
    flag=st.booleans(),
    inner=inners,
    pair=st.tuples(st.integers(), st.text(max_size=5)),
    many=st.lists(inners, max_size=3).map(tuple),
    names=st.lists(st.text(max_size=5), max_size=3),
    tags=st.sets(st.text(max_size=5), max_size=3),
    scores=st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    maybe=st.none() | money,
    extra=st.none() | st.integers() | st.text(max_size=5),
    defaults=st.lists(st.integers(), max_size=3).map(tuple),
)


def example() -> Outer:
    return Outer(
        name="n",
        count=3,
        flag=True,
        inner=Inner(Money(1234, "EUR"), Colour.RED),
        pair=(1, "a"),
        many=(Inner(Money(5, "JPY"), Colour.GREEN),),
        names=["x", "y"],
        tags={"b", "a"},
        scores={"k": 2},
        maybe=None,
    )


def test_to_jsonable_produces_json_types() -> None:
    data = to_jsonable(example())
    assert data == {
        "name": "n",
        "count": 3,
        "flag": True,
        "inner": {"price": {"minor": 1234, "currency": "EUR"}, "colour": "red"},
        "pair": [1, "a"],
        "many": [{"price": {"minor": 5, "currency": "JPY"}, "colour": "green"}],
        "names": ["x", "y"],
        "tags": ["a", "b"],
        "scores": {"k": 2},
        "maybe": None,
        "extra": None,
        "defaults": [],
    }
    assert "type" not in data  # only classes with a ``kind`` get a type tag


@settings(max_examples=200, deadline=None)
@given(outers)
def test_round_trip_through_json(value: Outer) -> None:
    data = json.loads(json.dumps(to_jsonable(value), allow_nan=False))
    assert from_jsonable(Outer, data) == value


@pytest.mark.parametrize("value", [1.5, float("nan"), 1j, object(), b"x"])
def test_to_jsonable_refuses_floats_and_unknown_types(value: object) -> None:
    with pytest.raises(TypeError, match="cannot serialise"):
        to_jsonable(value)
    with pytest.raises(TypeError, match="cannot serialise"):
        to_jsonable({"nested": [value]})


@pytest.mark.parametrize(
    ("tp", "data", "fragment"),
    [
        (int, True, "expected an integer"),
        (int, 1.0, "expected an integer"),
        (int, "1", "expected an integer"),
        (bool, 1, "expected true or false"),
        (bool, "true", "expected true or false"),
        (str, 1, "expected a string"),
        (str, None, "expected a string"),
        (Colour, "RED", "expected one of 'red', 'green'"),
        (tuple[int, str], [1], "expected a list of 2 items"),
        (tuple[int, str], (1, "a"), "expected a list"),
        (tuple[int, ...], [1, "a"], "x[1]: expected an integer"),
        (list[int], {"a": 1}, "expected a list"),
        (set[str], "ab", "expected a list"),
        (dict[str, int], [], "expected an object"),
        (dict[str, int], {"k": "v"}, "x.k: expected an integer"),
        (Money, 1234, "expected an amount"),
        (Money, {"minor": 1, "currency": "EUR", "x": 0}, "expected an amount"),
        (Inner, [], "expected an object for Inner"),
        (Money | None, 5, "expected an amount"),
    ],
)
def test_from_jsonable_refuses_wrong_types_with_the_path(tp: Any, data: Any, fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        from_jsonable(tp, data, "x")
    assert str(info.value).startswith("x")
    assert fragment in str(info.value)


def test_from_jsonable_accepts_none_for_optional_and_any_for_any() -> None:
    assert from_jsonable(Money | None, None) is None
    assert from_jsonable(Any, {"a": [1.5]}) == {"a": [1.5]}
    assert from_jsonable(tuple[int, str], [1, "a"]) == (1, "a")
    assert from_jsonable(set[str], ["a", "a", "b"]) == {"a", "b"}


def test_money_errors_keep_their_class_and_path() -> None:
    with pytest.raises(InvalidAmount, match=r"^p\.q: floats are not accepted"):
        from_jsonable(Money, {"minor": 1.0, "currency": "EUR"}, "p.q")
    with pytest.raises(CurrencyError, match=r"^p: unknown currency 'XXX'"):
        from_jsonable(Money, {"minor": 1, "currency": "XXX"}, "p")


def test_dataclass_paths_are_nested() -> None:
    data = to_jsonable(example())
    data["many"][0]["colour"] = "blue"
    with pytest.raises(InvalidInput, match=r"^o\.many\[0\]\.colour: expected one of"):
        from_jsonable(Outer, data, "o")
    data = to_jsonable(example())
    data["inner"]["price"]["minor"] = 0.5
    with pytest.raises(InvalidAmount, match=r"^o\.inner\.price: floats"):
        from_jsonable(Outer, data, "o")


def test_missing_and_unknown_fields() -> None:
    data = to_jsonable(example())
    del data["count"]
    with pytest.raises(InvalidInput, match=r"^o: missing field 'count'$"):
        from_jsonable(Outer, data, "o")
    data = to_jsonable(example())
    del data["maybe"], data["extra"], data["defaults"]  # fields with defaults may be omitted
    assert from_jsonable(Outer, data) == example()
    data["surprise"] = 1
    with pytest.raises(InvalidInput, match="unknown field"):
        from_jsonable(Outer, data, "o")


def test_construction_errors_keep_their_class_and_gain_the_path() -> None:
    with pytest.raises(InvalidRules) as rules:
        from_jsonable(Checked, {"kind": "rules"}, "rules")
    assert str(rules.value) == "rules: tie-breaking must be one of earliest, random"
    assert rules.value.message == str(rules.value)
    assert from_jsonable(Checked, {"kind": "fine"}) == Checked("fine")


def test_construction_errors_with_extra_attributes_keep_them() -> None:
    with pytest.raises(BidSyntaxError) as syntax:
        from_jsonable(Checked, {"kind": "syntax"}, "bids[0]")
    assert str(syntax.value) == "bids[0]: column 4: expected ']'"
    assert (syntax.value.column, syntax.value.text) == (4, "[a b")
    assert syntax.value.pointer == "[a b\n   ^"
    with pytest.raises(FileFormatError) as fmt:
        from_jsonable(Checked, {"kind": "file"}, "instance")
    assert str(fmt.value) == "instance: inst.txt, line 2: bad header"
    assert (fmt.value.path, fmt.value.line) == ("inst.txt", 2)


def test_unsupported_types_are_programming_errors() -> None:
    with pytest.raises(TypeError, match="cannot deserialise"):
        from_jsonable(float, 1.5)


@given(name=st.text(max_size=8), price=money, count=st.integers())
def test_named_tuples_round_trip_by_field_name(name: str, price: Money, count: int) -> None:
    record = Record(name, price, count)
    data = to_jsonable({"r": record})
    assert data == {"r": {"name": name, "price": price.to_json(), "count": count}}
    back = from_jsonable(dict[str, Record], json.loads(json.dumps(data)))
    assert back == {"r": record} and type(back["r"]) is Record


def test_named_tuple_fields_are_checked_like_dataclass_fields() -> None:
    data = to_jsonable(Record("a", Money(5, "EUR"), 2))
    del data["count"]  # a field with a default may be omitted
    assert from_jsonable(Record, data) == Record("a", Money(5, "EUR"))
    with pytest.raises(InvalidInput, match=r"^r: missing field 'name'$"):
        from_jsonable(Record, {"price": data["price"]}, "r")
    with pytest.raises(InvalidInput, match=r"^r: unknown field\(s\) size; allowed: name, price"):
        from_jsonable(Record, {**data, "size": 3}, "r")
    with pytest.raises(InvalidInput, match=r"^r\.count: expected an integer"):
        from_jsonable(Record, {**data, "count": "3"}, "r")
    with pytest.raises(InvalidInput, match=r"^r: expected an object for Record"):
        from_jsonable(Record, ["a", data["price"], 2], "r")
