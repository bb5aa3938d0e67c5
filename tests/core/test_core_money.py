"""Money: exact integer minor units with a currency (SPEC section 2, docs/core.md)."""

from __future__ import annotations

import dataclasses
import sys
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import CurrencyError, InvalidAmount, InvalidInput
from trustmarket.core.money import CURRENCY_DIGITS, Money, check_currency

CURRENCIES = sorted(CURRENCY_DIGITS)
currencies = st.sampled_from(CURRENCIES)
minors = st.integers(min_value=-(10**20), max_value=10**20)


@st.composite
def money(draw: st.DrawFn, currency: str | None = None) -> Money:
    return Money(draw(minors), currency or draw(currencies))


@st.composite
def same_currency_pair(draw: st.DrawFn) -> tuple[Money, Money]:
    cur = draw(currencies)
    return Money(draw(minors), cur), Money(draw(minors), cur)


def assert_exact(value: object) -> Money:
    """``value`` is a Money whose ``minor`` is a genuine int (not a bool, float or numpy type)."""
    assert isinstance(value, Money)
    assert type(value.minor) is int
    assert type(value.currency) is str
    return value


# -- the currency table -----------------------------------------------------------------------
def test_currency_table_matches_iso_4217_minor_digits() -> None:
    # ISO 4217 exponents of a few well-known currencies, plus PTS (whole points) from the docs.
    expected = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3, "PTS": 0}
    for code, digits in expected.items():
        assert CURRENCY_DIGITS[code] == digits, code
    for code, digits in CURRENCY_DIGITS.items():
        assert len(code) == 3 and code.isascii() and code.isupper(), code
        assert type(digits) is int and 0 <= digits <= 3, code


@pytest.mark.parametrize("code", ["EUR", "JPY", "PTS"])
def test_check_currency_returns_known_code(code: str) -> None:
    assert check_currency(code) == code


@pytest.mark.parametrize("code", ["XXX", "eur", "EURO", "", " EUR", None, 978, b"EUR"])
def test_check_currency_refuses_unknown_code_and_lists_allowed(code: object) -> None:
    with pytest.raises(CurrencyError) as info:
        check_currency(code)
    assert repr(code) in str(info.value)
    assert "EUR" in str(info.value) and "allowed" in str(info.value)


# -- construction ----------------------------------------------------------------------------
def test_constructor_keeps_int_minor_units() -> None:
    m = Money(1234, "EUR")
    assert m.minor == 1234 and m.currency == "EUR"
    assert Money.zero("JPY") == Money(0, "JPY")


@pytest.mark.parametrize("bad", [12.34, 12.0, float("nan"), float("inf"), -float("inf")])
def test_constructor_refuses_floats_with_a_helpful_message(bad: float) -> None:
    with pytest.raises(InvalidAmount) as info:
        Money(bad, "EUR")  # type: ignore[arg-type]
    assert "float" in str(info.value)
    assert "12.34" in str(info.value)  # says what is allowed instead


def test_constructor_refuses_numpy_float() -> None:
    with pytest.raises(InvalidAmount, match="float"):
        Money(np.float64(1.0), "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad", [True, False, None, "12", Decimal("12"), Fraction(1, 2), np.int64(5), [1]]
)
def test_constructor_refuses_non_int_minor_units(bad: object) -> None:
    with pytest.raises(InvalidAmount, match="int"):
        Money(bad, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["XXX", "eur", "", None])
def test_constructor_refuses_unknown_currency(code: object) -> None:
    with pytest.raises(CurrencyError):
        Money(1, code)  # type: ignore[arg-type]


def test_money_is_frozen() -> None:
    m = Money(1, "EUR")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.minor = 2  # type: ignore[misc]
    assert m.minor == 1


# -- parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.34", "EUR", 1234),
        ("12.3", "EUR", 1230),
        ("12", "EUR", 1200),
        ("0.05", "EUR", 5),
        ("0", "EUR", 0),
        ("-1.00", "EUR", -100),
        ("-0.05", "USD", -5),
        ("500", "JPY", 500),
        ("7", "PTS", 7),
        ("1.234", "BHD", 1234),
        ("1.2", "KWD", 1200),
        ("123456789012345678901234567890.99", "EUR", 12345678901234567890123456789099),
    ],
)
def test_parse_accepts_exact_decimals(text: str, currency: str, minor: int) -> None:
    m = assert_exact(Money.parse(text, currency))
    assert m == Money(minor, currency)


def test_parse_accepts_decimal_objects() -> None:
    assert Money.parse(Decimal("12.34"), "EUR") == Money(1234, "EUR")
    assert Money.parse(Decimal("-0.5"), "EUR") == Money(-50, "EUR")


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")])
def test_parse_refuses_non_finite_decimal_objects(bad: Decimal) -> None:
    with pytest.raises(InvalidAmount):
        Money.parse(bad, "EUR")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "-",
        "1e3",
        "1E3",
        "12.34e0",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "-inf",
        " 12",
        "12 ",
        "12.34\n",
        "\n12",
        "1 000",
        "+12",
        ".5",
        "5.",
        "1,000",
        "12,34",
        "12.3.4",
        "--1",
        "0x10",
        "1_000",
        "12.-3",
        "EUR 12.34",
        "12.34EUR",
        "\u0661\u0662",  # Arabic-Indic digits
        "\uff11\uff12",  # full-width digits
    ],
)
def test_parse_refuses_malformed_strings(bad: str) -> None:
    with pytest.raises(InvalidAmount) as info:
        Money.parse(bad, "EUR")
    assert repr(bad) in str(info.value) and "12.34" in str(info.value)


@pytest.mark.parametrize(
    ("text", "currency", "digits"),
    [("12.345", "EUR", 2), ("1.5", "JPY", 0), ("1.0", "PTS", 0), ("0.0001", "BHD", 3)],
)
def test_parse_refuses_too_many_decimals_and_says_the_limit(
    text: str, currency: str, digits: int
) -> None:
    with pytest.raises(InvalidAmount) as info:
        Money.parse(text, currency)
    message = str(info.value)
    assert currency in message and f"at most {digits}" in message and "decimals" in message


@pytest.mark.parametrize("bad", [12.34, 12.0, float("nan"), float("inf"), np.float64(3.0)])
def test_parse_refuses_floats(bad: float) -> None:
    with pytest.raises(InvalidAmount, match="float"):
        Money.parse(bad, "EUR")


@pytest.mark.parametrize("bad", [True, False, None, 12, b"12.34", ["12.34"]])
def test_parse_refuses_non_strings(bad: object) -> None:
    with pytest.raises(InvalidAmount, match="decimal string"):
        Money.parse(bad, "EUR")


@pytest.mark.parametrize("code", ["XXX", "eur", ""])
def test_parse_refuses_unknown_currency(code: str) -> None:
    with pytest.raises(CurrencyError, match="unknown currency"):
        Money.parse("1.00", code)


def test_parse_refuses_absurdly_long_amount_with_invalid_amount() -> None:
    limit = sys.get_int_max_str_digits()
    if limit == 0:
        pytest.skip("no int string-conversion limit in this interpreter")
    with pytest.raises(InvalidAmount, match="digits"):
        Money.parse("9" * (limit + 1), "EUR")


def test_negative_parses_but_is_refused_where_a_price_is_meant() -> None:
    neg = Money.parse("-1.00", "EUR")
    assert neg.minor == -100
    with pytest.raises(InvalidAmount) as info:
        neg.require_price("a reserve price")
    assert "a reserve price must be positive" in str(info.value)
    assert "EUR -1.00" in str(info.value)
    with pytest.raises(InvalidAmount, match="must not be negative"):
        neg.require_non_negative("a fee")


def test_require_price_and_non_negative_boundaries() -> None:
    one = Money(1, "EUR")
    zero = Money(0, "EUR")
    assert one.require_price() is one
    assert zero.require_non_negative() is zero
    assert one.require_non_negative() is one
    with pytest.raises(InvalidAmount, match="positive"):
        zero.require_price()


# -- coerce ----------------------------------------------------------------------------------
def test_coerce_accepts_money_strings_and_decimals() -> None:
    m = Money(1234, "EUR")
    assert Money.coerce(m, "EUR") is m
    assert Money.coerce("12.34", "EUR") == m
    assert Money.coerce(Decimal("12.34"), "EUR") == m


def test_coerce_refuses_money_in_another_currency() -> None:
    with pytest.raises(CurrencyError) as info:
        Money.coerce(Money(100, "USD"), "EUR")
    assert "USD" in str(info.value) and "EUR" in str(info.value)


@pytest.mark.parametrize("bad", [5, 0, -3])
def test_coerce_refuses_bare_ints_as_ambiguous(bad: int) -> None:
    with pytest.raises(InvalidAmount, match="ambiguous"):
        Money.coerce(bad, "EUR")


@pytest.mark.parametrize("bad", [True, 1.5, float("nan"), None, "1e2"])
def test_coerce_refuses_other_values(bad: object) -> None:
    with pytest.raises(InvalidAmount):
        Money.coerce(bad, "EUR")


# -- arithmetic ------------------------------------------------------------------------------
def test_docs_arithmetic_examples() -> None:
    price = Money.parse("12.34", "EUR")
    assert (price + Money(66, "EUR")).decimal() == "13.00"
    assert price * 3 == Money(3702, "EUR")
    assert 3 * price == Money(3702, "EUR")
    assert price - Money(34, "EUR") == Money(1200, "EUR")
    assert -price == Money(-1234, "EUR")


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
    ids=["add", "sub", "lt", "le", "gt", "ge"],
)
def test_mixed_currency_is_refused(op: object) -> None:
    with pytest.raises(CurrencyError) as info:
        op(Money(100, "EUR"), Money(100, "USD"))  # type: ignore[operator]
    assert "same currency" in str(info.value)
    assert "EUR" in str(info.value) and "USD" in str(info.value)


@pytest.mark.parametrize("other", [1, 1.5, "1.00", Decimal(1), None])
def test_adding_non_money_is_a_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        Money(100, "EUR") + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(100, "EUR") - other  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(100, "EUR") < other  # type: ignore[operator]  # noqa: B015


@pytest.mark.parametrize("factor", [1.5, 2.0, True, Decimal(2), Fraction(1, 2), "2"])
def test_multiplying_by_non_int_is_refused(factor: object) -> None:
    with pytest.raises(InvalidAmount, match="int"):
        Money(100, "EUR") * factor  # type: ignore[operator]
    with pytest.raises(InvalidAmount, match="int"):
        factor * Money(100, "EUR")  # type: ignore[operator]


def test_multiplying_money_by_money_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        Money(100, "EUR") * Money(2, "EUR")  # type: ignore[operator]


def test_equality_includes_currency_and_is_not_with_plain_numbers() -> None:
    assert Money(100, "EUR") != Money(100, "USD")
    assert Money(100, "EUR") != 100
    assert Money(0, "EUR") != 0
    assert len({Money(100, "EUR"), Money(100, "EUR"), Money(100, "USD")}) == 2


# -- presentation ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("m", "text"),
    [
        (Money(1234, "EUR"), "12.34"),
        (Money(5, "EUR"), "0.05"),
        (Money(-5, "EUR"), "-0.05"),
        (Money(-1234, "EUR"), "-12.34"),
        (Money(0, "EUR"), "0.00"),
        (Money(500, "JPY"), "500"),
        (Money(-500, "JPY"), "-500"),
        (Money(1, "BHD"), "0.001"),
        (Money(1000, "KWD"), "1.000"),
    ],
)
def test_decimal_formatting(m: Money, text: str) -> None:
    assert m.decimal() == text
    assert str(m) == f"{m.currency} {text}"


def test_to_json_is_int_minor_and_currency() -> None:
    data = Money(1234, "EUR").to_json()
    assert data == {"minor": 1234, "currency": "EUR"}
    assert type(data["minor"]) is int


# -- properties ------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(money())
def test_parse_of_decimal_round_trips(m: Money) -> None:
    text = m.decimal()
    digits = CURRENCY_DIGITS[m.currency]
    if digits:
        assert len(text.split(".")[1]) == digits
    else:
        assert "." not in text
    assert assert_exact(Money.parse(text, m.currency)) == m
    assert Money.parse(str(m).split(" ", 1)[1], m.currency) == m
    # Decimal as an independent oracle of the value the string denotes.
    assert Decimal(text) * 10**digits == m.minor


@settings(max_examples=300, deadline=None)
@given(
    currencies,
    st.booleans(),
    st.integers(min_value=0, max_value=10**18),
    st.text(alphabet="0123456789", max_size=3),
)
def test_parse_agrees_with_decimal(cur: str, negative: bool, whole: int, frac: str) -> None:
    text = ("-" if negative else "") + str(whole) + (f".{frac}" if frac else "")
    digits = CURRENCY_DIGITS[cur]
    if len(frac) > digits:
        with pytest.raises(InvalidAmount, match="decimals"):
            Money.parse(text, cur)
        return
    m = assert_exact(Money.parse(text, cur))
    assert m.minor == Decimal(text) * 10**digits
    assert Money.parse(Decimal(text), cur) == m


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), currencies)
def test_parse_of_arbitrary_text_is_exact_or_invalid_amount(text: str, cur: str) -> None:
    try:
        m = Money.parse(text, cur)
    except InvalidAmount:
        return
    # Anything accepted is a plain ASCII decimal, and its value is exact.
    assert text.isascii() and text.strip() == text
    assert "e" not in text.lower() and "n" not in text.lower()
    assert_exact(m)
    assert m.minor == Decimal(text) * 10 ** CURRENCY_DIGITS[cur]


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True), currencies)
def test_floats_are_always_refused(value: float, cur: str) -> None:
    with pytest.raises(InvalidAmount):
        Money(value, cur)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        Money.parse(value, cur)
    with pytest.raises(InvalidAmount):
        Money.coerce(value, cur)
    with pytest.raises(InvalidAmount):
        Money(1, cur) * value  # type: ignore[operator]


@settings(max_examples=300, deadline=None)
@given(same_currency_pair(), st.integers(min_value=-(10**6), max_value=10**6))
def test_arithmetic_is_exact_and_never_yields_a_float(pair: tuple[Money, Money], k: int) -> None:
    a, b = pair
    cur = a.currency
    assert assert_exact(a + b) == Money(a.minor + b.minor, cur)
    assert assert_exact(a - b) == Money(a.minor - b.minor, cur)
    assert assert_exact(-a) == Money(-a.minor, cur)
    assert assert_exact(a * k) == Money(a.minor * k, cur)
    assert assert_exact(k * a) == a * k
    assert assert_exact((a + b) - b) == a
    assert assert_exact(Money.parse((a + b).decimal(), cur)) == a + b
    total = Money.zero(cur)
    for m in (a, b, a, b):
        total = assert_exact(total + m)
    assert total == a * 2 + b * 2
    assert type(a.to_json()["minor"]) is int


@settings(max_examples=300, deadline=None)
@given(same_currency_pair())
def test_ordering_equality_and_hash_are_consistent(pair: tuple[Money, Money]) -> None:
    a, b = pair
    results = [a < b, a <= b, a > b, a >= b, a == b, a != b]
    assert all(type(r) is bool for r in results)
    assert (a < b) == (a.minor < b.minor)
    assert (a <= b) == (a.minor <= b.minor)
    assert (a > b) == (a.minor > b.minor)
    assert (a >= b) == (a.minor >= b.minor)
    assert (a == b) == (a.minor == b.minor)
    assert [a < b, a == b, a > b].count(True) == 1  # trichotomy
    assert (a <= b) == (a < b or a == b)
    if a == b:
        assert hash(a) == hash(b)
    twin = Money(a.minor, a.currency)
    assert twin == a and hash(twin) == hash(a) and twin is not a
    assert sorted([a, b]) == sorted([b, a])


@settings(max_examples=100, deadline=None)
@given(minors, currencies, currencies)
def test_different_currencies_never_compare_equal_or_combine(
    minor: int, cur1: str, cur2: str
) -> None:
    assume(cur1 != cur2)
    a, b = Money(minor, cur1), Money(minor, cur2)
    assert a != b
    for op in (
        lambda: a + b,
        lambda: a - b,
        lambda: a < b,
        lambda: a >= b,
        lambda: Money.coerce(a, cur2),
    ):
        with pytest.raises(CurrencyError):
            op()


def test_money_errors_are_invalid_input_value_errors() -> None:
    for exc_type in (InvalidAmount, CurrencyError):
        assert issubclass(exc_type, InvalidInput) and issubclass(exc_type, ValueError)
