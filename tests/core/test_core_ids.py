"""Identifiers: caller-chosen ids and seeded ULIDs (SPEC section 2, "Ids")."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import InvalidId, InvalidInput
from trustmarket.core.ids import MAX_ID_LENGTH, check_id, new_ulid
from trustmarket.core.randomness import make_rng

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_FIRST = set(string.ascii_letters + string.digits)
ID_REST = ID_FIRST | set("._:@-")


def is_valid_id(value: str) -> bool:
    """The documented rule, written independently of the implementation's regex."""
    return 1 <= len(value) <= 128 and value[0] in ID_FIRST and all(ch in ID_REST for ch in value)


def crockford_decode(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 32 + CROCKFORD.index(ch)
    return value


# -- check_id --------------------------------------------------------------------------------
def test_max_length_is_the_documented_128() -> None:
    assert MAX_ID_LENGTH == 128


@pytest.mark.parametrize(
    "value",
    [
        "alice",
        "a",
        "A",
        "7",
        "0abc",
        "bidder-7",
        "x.y_z:w@host",
        "auction:2024-01-01",
        "alice@example.com",
        "a" * 128,
        "9" + "-" * 127,
    ],
)
def test_check_id_accepts_and_returns_valid_ids(value: str) -> None:
    assert check_id(value) is value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a" * 129,
        "-alice",
        ".alice",
        "_alice",
        ":alice",
        "@alice",
        " alice",
        "alice ",
        "alice bob",
        "alice\n",
        "alice\t",
        "al/ice",
        "al#ice",
        "al+ice",
        "al*ice",
        "a\x00",
        "\u00e9lan",  # non-ASCII letter
        "\uff41",  # full-width letter
        "\u0661",  # Arabic-Indic digit
    ],
)
def test_check_id_refuses_invalid_ids_and_says_what_is_allowed(value: str) -> None:
    with pytest.raises(InvalidId) as info:
        check_id(value, "bidder")
    message = str(info.value)
    assert message.startswith("invalid bidder")
    assert repr(value) in message
    assert "128" in message and ". _ : @ -" in message


@pytest.mark.parametrize("value", [None, 5, 5.0, True, b"alice", ["alice"]])
def test_check_id_refuses_non_strings(value: object) -> None:
    with pytest.raises(InvalidId) as info:
        check_id(value, "event id")
    assert "event id must be a string" in str(info.value)
    assert type(value).__name__ in str(info.value)


def test_invalid_id_is_invalid_input() -> None:
    assert issubclass(InvalidId, InvalidInput) and issubclass(InvalidId, ValueError)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}", fullmatch=True))
def test_check_id_accepts_every_id_of_the_documented_form(value: str) -> None:
    assert check_id(value) == value


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=10),
        st.text(alphabet=[*sorted(ID_REST), " ", "\n", "/", "\u00e9"], max_size=140),
    )
)
def test_check_id_matches_the_documented_rule(value: str) -> None:
    if is_valid_id(value):
        assert check_id(value) == value
    else:
        with pytest.raises(InvalidId):
            check_id(value)


# -- new_ulid --------------------------------------------------------------------------------
def test_ulid_shape() -> None:
    ulid = new_ulid(1_700_000_000_000, make_rng(42))
    assert len(ulid) == 26
    assert set(ulid) <= set(CROCKFORD)
    assert ulid[0] in "01234567"  # 128 bits in 130: the top character holds 3 bits
    assert check_id(ulid) == ulid  # usable wherever an id is


def test_ulid_is_reproducible_from_seed_and_time() -> None:
    a = new_ulid(1_700_000_000_000, make_rng(42))
    assert a == new_ulid(1_700_000_000_000, make_rng(42))
    assert a != new_ulid(1_700_000_000_000, make_rng(43))
    assert a[:10] == new_ulid(1_700_000_000_000, make_rng(43))[:10]
    assert a[10:] == new_ulid(1_700_000_000_001, make_rng(42))[10:]


def test_ulid_encodes_time_and_the_callers_random_bytes() -> None:
    ts = 1_700_000_000_000
    ulid = new_ulid(ts, make_rng(7))
    assert crockford_decode(ulid[:10]) == ts
    random_part = int.from_bytes(make_rng(7).bytes(10), "big")
    assert crockford_decode(ulid) == (ts << 80) | random_part


@pytest.mark.parametrize(("ts", "prefix"), [(0, "0000000000"), (2**48 - 1, "7ZZZZZZZZZ")])
def test_ulid_time_range_boundaries(ts: int, prefix: str) -> None:
    assert new_ulid(ts, make_rng(0)).startswith(prefix)


def test_ulids_from_one_generator_are_unique() -> None:
    rng = make_rng(1)
    ulids = [new_ulid(1_000, rng) for _ in range(2000)]
    assert len(set(ulids)) == len(ulids)


@pytest.mark.parametrize("bad", [-1, 2**48, 2**60, 1.5, 1_700_000_000_000.0, True, "1", None])
def test_ulid_refuses_bad_timestamps(bad: object) -> None:
    with pytest.raises(InvalidId, match="timestamp"):
        new_ulid(bad, make_rng(0))  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**48 - 1),
    st.integers(min_value=0, max_value=2**48 - 1),
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=0, max_value=2**32),
)
def test_ulids_sort_by_time(t1: int, t2: int, seed1: int, seed2: int) -> None:
    a = new_ulid(t1, make_rng(seed1))
    b = new_ulid(t2, make_rng(seed2))
    assert crockford_decode(a[:10]) == t1
    if t1 < t2:
        assert a < b
    elif t1 > t2:
        assert a > b
    else:
        assert a[:10] == b[:10]
