"""Bidding languages (SPEC 3.4, eMediator 2.1): the OR / XOR / OR-of-XORs text syntax, its
round trip and error columns, the table form, and building a winner-determination instance
(language fit, Clarke-Groves needs a fully expressive bid)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.combinatorial import (
    Atom,
    BidExpr,
    Language,
    Pricing,
    build_instance,
    check_pricing,
    format_bid,
    from_tables,
    parse_bid,
    solve,
    to_tables,
)
from trustmarket.core.errors import (
    BidSyntaxError,
    CurrencyError,
    InvalidAmount,
    InvalidInstance,
)
from trustmarket.core.money import Money

#: The OR-of-XORs example of eMediator 2.1.3, exactly as SPEC 3.4 writes it.
SPEC_EXAMPLE = (
    "[({1,2}, 30) XOR ({1,3}, 25)] OR [({4,5}, 75) XOR ({3,5}, 55) XOR ({6}, 25)] OR [({7,8}, 25)]"
)
#: The same bid as the paper prints it: dollar signs, spaces in bundles, one disjunct a line.
PAPER_EXAMPLE = """[({1, 2}, $30) XOR ({1, 3}, $25)]

OR [({4, 5}, $75) XOR ({3, 5}, $55) XOR ({6}, $25)]

OR [({7, 8}, $25)]"""
GOODS_1_TO_8 = [str(g) for g in range(1, 9)]


def atom(goods: str, price: int, currency: str = "PTS") -> Atom:
    return Atom.of(goods.split(), Money(price, currency))


def expected_spec_bid(currency: str = "PTS", scale: int = 1) -> BidExpr:
    return BidExpr(
        (
            (atom("1 2", 30 * scale, currency), atom("1 3", 25 * scale, currency)),
            (
                atom("4 5", 75 * scale, currency),
                atom("3 5", 55 * scale, currency),
                atom("6", 25 * scale, currency),
            ),
            (atom("7 8", 25 * scale, currency),),
        ),
        Language.OR_OF_XORS,
    )


# -- the text syntax: examples -------------------------------------------------------------------


def test_spec_example_parses_to_three_xor_disjuncts() -> None:
    expr = parse_bid(SPEC_EXAMPLE)
    assert expr == expected_spec_bid()
    assert expr.language is Language.OR_OF_XORS
    assert [len(g) for g in expr.groups] == [2, 3, 1]
    assert [a.price.minor for a in expr.atoms] == [30, 25, 75, 55, 25, 25]
    assert expr.groups[1][1].bundle == (("3", 1), ("5", 1))


def test_spec_example_prints_back_exactly() -> None:
    assert format_bid(parse_bid(SPEC_EXAMPLE)) == SPEC_EXAMPLE


def test_paper_layout_with_dollars_and_line_breaks_is_the_same_bid() -> None:
    assert parse_bid(PAPER_EXAMPLE) == parse_bid(SPEC_EXAMPLE)
    assert format_bid(parse_bid(PAPER_EXAMPLE)) == SPEC_EXAMPLE


def test_prices_are_read_in_the_currency_given() -> None:
    expr = parse_bid(SPEC_EXAMPLE, "USD")
    assert expr == expected_spec_bid("USD", 100)
    assert format_bid(expr).startswith("[({1,2}, 30.00) XOR ({1,3}, 25.00)] OR")
    assert parse_bid("({a}, 12.5)", "EUR").atoms[0].price == Money(1250, "EUR")
    assert parse_bid("({a}, 0.125)", "BHD").atoms[0].price == Money(125, "BHD")


@pytest.mark.parametrize(
    ("text", "language", "sizes"),
    [
        ("({1}, 5) OR ({2}, 4) OR ({1,2}, 7)", Language.OR, [1, 1, 1]),
        ("({1}, 5) XOR ({2}, 4) XOR ({1,2}, 7)", Language.XOR, [3]),
        ("[({1}, 5) XOR ({2}, 4)] OR [({1,2}, 7)]", Language.OR_OF_XORS, [2, 1]),
        ("[({1}, 5)] OR [({2}, 4)]", Language.OR_OF_XORS, [1, 1]),
        # XOR binds tighter than OR, brackets or not.
        ("({1}, 5) XOR ({2}, 4) OR ({3}, 7)", Language.OR_OF_XORS, [2, 1]),
        ("({1}, 5)", Language.XOR, [1]),
        ("[({1}, 5) XOR ({2}, 4)]", Language.XOR, [2]),
    ],
)
def test_the_language_follows_the_connectives(
    text: str, language: Language, sizes: list[int]
) -> None:
    expr = parse_bid(text)
    assert expr.language is language
    assert [len(g) for g in expr.groups] == sizes
    assert parse_bid(format_bid(expr)) == expr


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("({1}, 5) OR ({2}, 4)", "({1}, 5) OR ({2}, 4)"),
        ("({1},5)XOR({2},4)", "({1}, 5) XOR ({2}, 4)"),
        ("[ ( { b , a } , $ 7 ) ] OR [({c},1)]", "[({a,b}, 7)] OR [({c}, 1)]"),
        ("\t({x:1}, 3)\n", "({x}, 3)"),
    ],
)
def test_canonical_form(text: str, canonical: str) -> None:
    assert format_bid(parse_bid(text)) == canonical


def test_multi_unit_bundles_carry_counts() -> None:
    expr = parse_bid("({B, A:2}, 10) XOR ({A:3}, 12)")
    assert expr.groups[0][0].bundle == (("A", 2), ("B", 1))
    assert expr.groups[0][1].bundle == (("A", 3),)
    assert format_bid(expr) == "({A:2,B}, 10) XOR ({A:3}, 12)"


def test_an_exchange_bid_may_sell_units_and_ask_a_price() -> None:
    expr = parse_bid("({hour-1:4, hour-2:-6}, -12.50)", "EUR")
    (only,) = expr.atoms
    assert only.bundle == (("hour-1", 4), ("hour-2", -6))
    assert only.price == Money(-1250, "EUR")
    assert format_bid(expr) == "({hour-1:4,hour-2:-6}, -12.50)"


@pytest.mark.parametrize("name", ["OR", "XOR", "OR-1", "XOR.b", "ORx", "_", "a.b-c", "007"])
def test_good_names_that_look_like_keywords_or_numbers(name: str) -> None:
    expr = parse_bid(f"({{{name}, z}}, 5) OR ({{y}}, 6)")
    assert expr.language is Language.OR
    assert expr.groups[0][0].bundle == tuple(sorted([(name, 1), ("z", 1)]))
    assert parse_bid(format_bid(expr)) == expr


def test_keywords_are_case_sensitive() -> None:
    with pytest.raises(BidSyntaxError, match="column 10: expected 'OR', 'XOR' or the end"):
        parse_bid("({1}, 5) or ({2}, 4)")


# -- the text syntax: errors point at the column --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", 1, "expected '(', found the end"),
        ("   ", 4, "expected '(', found the end"),
        ("({1,2}, 30", 11, "expected ')', found the end"),
        ("({1,2} 30)", 8, "expected ',', found '30'"),
        ("({}, 30)", 3, "expected a good's name or number, found '}'"),
        ("({1,,2}, 30)", 5, "expected a good's name or number, found ','"),
        ("({1.5}, 30)", 3, "expected a good's name or number, found '1.5'"),
        ("({-1}, 30)", 3, "expected a good's name or number, found '-1'"),
        ("({1,2,1}, 30)", 7, "good '1' appears twice in one bundle"),
        ("({A:0}, 3)", 5, "expected a non-zero whole number of units, found '0'"),
        ("({A:00}, 3)", 5, "expected a non-zero whole number of units, found '00'"),
        ("({A:-0}, 3)", 5, "expected a non-zero whole number of units, found '-0'"),
        ("({A:1.5}, 3)", 5, "expected a non-zero whole number of units, found '1.5'"),
        ("({A:}, 3)", 5, "expected a non-zero whole number of units, found '}'"),
        ("({A}, )", 7, "expected a price such as 30 or 12.50, found ')'"),
        ("({A}, nan)", 7, "expected a price such as 30 or 12.50, found 'nan'"),
        ("({A}, inf)", 7, "expected a price such as 30 or 12.50, found 'inf'"),
        ("({A}, $)", 8, "expected a price"),
        ("({A}, 1e5)", 8, "expected ')', found 'e5'"),
        ("({A}, 5.)", 8, "unexpected character '.'"),
        ("({A}, 12.5)", 7, "has 1 decimals but PTS allows at most 0"),
        ("({1}, 5) XOR", 13, "expected '(', found the end"),
        ("({1}, 5) OR OR ({2}, 4)", 13, "expected '(', found 'OR'"),
        ("({1}, 5) ({2}, 4)", 10, "expected 'OR', 'XOR' or the end of the bid, found '('"),
        ("[({1}, 5) XOR ({2}, 4)", 23, "expected ']', found the end"),
        ("[({1}, 5)] OR [({2}, 4)]]", 25, "expected 'OR', 'XOR' or the end of the bid"),
        ("({1}, 5) OR ({2}, 4) @", 22, "unexpected character '@'"),
        ("({é}, 5)", 3, "unexpected character 'é'"),
        ("({\u0661}, 5)", 3, "unexpected character"),  # an Arabic-Indic digit is no ASCII digit
    ],
)
def test_syntax_errors_name_the_column(text: str, column: int, message: str) -> None:
    with pytest.raises(BidSyntaxError) as caught:
        parse_bid(text)
    err = caught.value
    assert err.column == column
    assert err.text == text
    assert message in err.message
    assert err.message.startswith(f"column {column}: ")
    assert err.pointer.splitlines()[-1] == " " * (column - 1) + "^"


def test_bad_decimals_for_the_currency_point_at_the_price() -> None:
    with pytest.raises(BidSyntaxError) as caught:
        parse_bid("({a}, 1) XOR ({b}, 1.005)", "EUR")
    assert caught.value.column == 20
    assert "EUR allows at most 2" in caught.value.message


def test_parse_refuses_an_unknown_currency_and_non_text() -> None:
    with pytest.raises(CurrencyError, match=r"unknown currency 'XYZ'; allowed: .*EUR"):
        parse_bid("({1}, 5)", "XYZ")
    with pytest.raises(InvalidInstance, match="must be a string, got bytes"):
        parse_bid(b"({1}, 5)")  # type: ignore[arg-type]


# -- the text syntax: properties ------------------------------------------------------------------

CURRENCIES = ["PTS", "EUR", "BHD", "JPY"]
LETTERS = "abcXYZ_"
NAMES = st.one_of(
    st.integers(0, 999).map(str),
    st.builds(
        str.__add__,
        st.sampled_from(LETTERS),
        st.text(alphabet=LETTERS + "09.-", max_size=5),
    ),
    st.sampled_from(["OR", "XOR", "OR-1", "XOR.b", "007"]),
)


@st.composite
def bids(draw: st.DrawFn, *, signed: bool = True) -> BidExpr:
    currency = draw(st.sampled_from(CURRENCIES))
    low = -(10**9) if signed else 1
    units = st.integers(-5 if signed else 1, 5).filter(bool)

    def atoms() -> st.SearchStrategy[Atom]:
        return st.builds(
            lambda bundle, minor: Atom.of(bundle, Money(minor, currency)),
            st.dictionaries(NAMES, units, min_size=1, max_size=4),
            st.integers(low, 10**9),
        )

    language = draw(st.sampled_from(list(Language)))
    if language is Language.OR:
        groups = [(a,) for a in draw(st.lists(atoms(), min_size=1, max_size=4))]
    elif language is Language.XOR:
        groups = [tuple(draw(st.lists(atoms(), min_size=1, max_size=4)))]
    else:
        groups = draw(
            st.lists(st.lists(atoms(), min_size=1, max_size=3).map(tuple), min_size=1, max_size=4)
        )
    return BidExpr(tuple(groups), language)


@settings(max_examples=150, deadline=None)
@given(bids())
def test_parse_of_format_is_the_identity(expr: BidExpr) -> None:
    currency = expr.atoms[0].price.currency
    text = format_bid(expr)
    assert parse_bid(text, currency) == expr
    assert format_bid(parse_bid(text, currency)) == text


BAD_CHARACTERS = st.sampled_from(list("@!?;&*=+%#|~^\"'<>\\"))


@settings(max_examples=150, deadline=None)
@given(bids(signed=False), st.data())
def test_the_error_column_points_at_a_stray_character(expr: BidExpr, data: st.DataObject) -> None:
    currency = expr.atoms[0].price.currency
    text = format_bid(expr)
    # After '.' or '-' the fault is already the dangling '.' or '-' itself.
    where = data.draw(st.integers(0, len(text)).filter(lambda i: i == 0 or text[i - 1] not in ".-"))
    bad = data.draw(BAD_CHARACTERS)
    broken = text[:where] + bad + text[where:]
    with pytest.raises(BidSyntaxError) as caught:
        parse_bid(broken, currency)
    assert caught.value.column == where + 1
    assert broken[caught.value.column - 1] == bad
    assert f"unexpected character {bad!r}" in caught.value.message


@settings(max_examples=60, deadline=None)
@given(bids())
def test_a_missing_closing_symbol_is_reported_at_the_end(expr: BidExpr) -> None:
    currency = expr.atoms[0].price.currency
    text = format_bid(expr)
    closing = text[-1]
    assert closing in ")]"
    with pytest.raises(BidSyntaxError) as caught:
        parse_bid(text[:-1], currency)
    assert caught.value.column == len(text)
    assert f"expected {closing!r}, found the end" in caught.value.message


def test_names_the_syntax_cannot_hold_are_refused_when_printing() -> None:
    for name in ["two words", "1a", "-x", "a,b", "é"]:
        expr = BidExpr(((Atom.of([name], Money(5, "PTS")),),), Language.XOR)
        with pytest.raises(InvalidInstance, match="cannot be written in the bid syntax"):
            format_bid(expr)


# -- atoms and bid expressions --------------------------------------------------------------------


def test_an_atom_sorts_its_bundle() -> None:
    direct = Atom((("b", 1), ("a", 2)), Money(5, "PTS"))
    assert direct.bundle == (("a", 2), ("b", 1))
    assert direct == Atom.of({"b": 1, "a": 2}, Money(5, "PTS"))
    assert Atom.of({"y", "x"}, Money(1, "PTS")).bundle == (("x", 1), ("y", 1))


@pytest.mark.parametrize(
    ("bundle", "message"),
    [
        ([], "empty bundle"),
        ({}, "empty bundle"),
        (["a", "a"], "good 'a' is listed twice in one bundle"),
        ({"a": 0}, "units of 'a' must be a non-zero int, got 0"),
        ({"a": 1.5}, "units of 'a' must be a non-zero int, got 1.5"),
        ({"a": True}, "units of 'a' must be a non-zero int, got True"),
        ([""], "goods are named by non-empty strings"),
        ([3], "goods are named by non-empty strings, got 3"),
    ],
)
def test_an_atom_refuses_a_bad_bundle(bundle: object, message: str) -> None:
    with pytest.raises(InvalidInstance, match=re.escape(message)):
        Atom.of(bundle, Money(5, "PTS"))  # type: ignore[arg-type]


def test_an_atom_refuses_a_price_that_is_not_money() -> None:
    for price in (5, 5.0, float("nan"), "5"):
        with pytest.raises(InvalidInstance, match="price must be Money"):
            Atom.of(["a"], price)  # type: ignore[arg-type]
    with pytest.raises(InvalidInstance, match="appears twice"):
        Atom((("a", 1), ("a", 2)), Money(5, "PTS"))


def test_bid_expressions_check_their_shape() -> None:
    a, b = atom("1", 5), atom("2", 4)
    with pytest.raises(InvalidInstance, match="an OR bid joins single atoms"):
        BidExpr(((a, b), (a,)), Language.OR)
    with pytest.raises(InvalidInstance, match="an XOR bid is a single disjunct"):
        BidExpr(((a,), (b,)), Language.XOR)
    with pytest.raises(InvalidInstance, match="at least one atom in every XOR disjunct"):
        BidExpr(((a,), ()), Language.OR_OF_XORS)
    with pytest.raises(InvalidInstance, match="at least one atom"):
        BidExpr((), Language.XOR)
    with pytest.raises(InvalidInstance, match=r"one currency, got \['EUR', 'PTS'\]"):
        BidExpr(((a, atom("2", 4, "EUR")),), Language.XOR)
    with pytest.raises(InvalidInstance, match="unknown bid language 'and'; allowed: or, xor"):
        BidExpr(((a,),), "and")  # type: ignore[arg-type]


def test_one_disjunct_is_an_xor_bid_whatever_it_is_called() -> None:
    a, b = atom("1", 5), atom("2", 4)
    assert BidExpr(((a, b),), Language.OR_OF_XORS).language is Language.XOR
    assert BidExpr(((a,),), Language.OR).language is Language.XOR
    assert BidExpr(((a,), (b,)), "or").language is Language.OR  # type: ignore[arg-type]
    assert BidExpr(((a,), (b,)), Language.OR_OF_XORS).language is Language.OR_OF_XORS


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("({1}, 5)", {Language.OR, Language.XOR, Language.OR_OF_XORS}),
        ("({1}, 5) OR ({2}, 4)", {Language.OR, Language.OR_OF_XORS}),
        ("({1}, 5) XOR ({2}, 4)", {Language.XOR, Language.OR_OF_XORS}),
        ("[({1}, 5) XOR ({2}, 4)] OR [({3}, 1)]", {Language.OR_OF_XORS}),
    ],
)
def test_which_auction_languages_a_bid_fits(text: str, fits: set[Language]) -> None:
    expr = parse_bid(text)
    assert {lang for lang in Language if expr.fits(lang)} == fits


# -- the table form -------------------------------------------------------------------------------


def test_spec_example_as_tables() -> None:
    tables = to_tables(parse_bid(SPEC_EXAMPLE, "USD"))
    assert tables == [
        [
            {"bundle": {"1": 1, "2": 1}, "price": "30.00"},
            {"bundle": {"1": 1, "3": 1}, "price": "25.00"},
        ],
        [
            {"bundle": {"4": 1, "5": 1}, "price": "75.00"},
            {"bundle": {"3": 1, "5": 1}, "price": "55.00"},
            {"bundle": {"6": 1}, "price": "25.00"},
        ],
        [{"bundle": {"7": 1, "8": 1}, "price": "25.00"}],
    ]
    assert from_tables(tables, "USD") == parse_bid(SPEC_EXAMPLE, "USD")


def test_tables_take_lists_of_goods_or_unit_counts() -> None:
    expr = from_tables(
        [[{"bundle": ["b", "a"], "price": "3"}, {"bundle": {"a": 2}, "price": "4"}]], "PTS"
    )
    assert expr.language is Language.XOR
    assert format_bid(expr) == "({a,b}, 3) XOR ({a:2}, 4)"
    two = from_tables([[{"bundle": ["a"], "price": "1"}], [{"bundle": ["b"], "price": "2"}]], "PTS")
    assert two.language is Language.OR_OF_XORS
    assert format_bid(two) == "[({a}, 1)] OR [({b}, 2)]"


@settings(max_examples=100, deadline=None)
@given(bids())
def test_tables_round_trip(expr: BidExpr) -> None:
    currency = expr.atoms[0].price.currency
    back = from_tables(to_tables(expr), currency)
    assert back.groups == expr.groups
    # Tables are OR-of-XORs: an OR bid comes back as one-row tables joined by OR.
    if expr.language is not Language.OR:
        assert back == expr
    else:
        assert back.language is Language.OR_OF_XORS
        assert all(len(g) == 1 for g in back.groups)


@pytest.mark.parametrize(
    ("tables", "error", "message"),
    [
        ([], InvalidInstance, "at least one table"),
        ([[]], InvalidInstance, "table 1 is empty"),
        ("abc", InvalidInstance, "tables must be a list of tables"),
        ([{"bundle": ["a"], "price": "1"}], InvalidInstance, "table 1: a table is a list of rows"),
        (
            [[{"bundle": ["a"]}]],
            InvalidInstance,
            "table 1, row 1: a row needs 'bundle' and 'price'",
        ),
        ([[{"bundle": [], "price": "1"}]], InvalidInstance, "table 1, row 1: empty bundle"),
        ([[{"bundle": {}, "price": "1"}]], InvalidInstance, "table 1, row 1: empty bundle"),
        ([[{"bundle": "ab", "price": "1"}]], InvalidInstance, "bundle must be a list of goods"),
        (
            [[{"bundle": ["a", "a"], "price": "1"}]],
            InvalidInstance,
            "table 1, row 1: good 'a' is listed twice",
        ),
        (
            [[{"bundle": {"a": 0}, "price": "1"}]],
            InvalidInstance,
            "units of 'a' must be a non-zero int",
        ),
        ([[{"bundle": [""], "price": "1"}]], InvalidInstance, "non-empty strings"),
        (
            [[{"bundle": ["a"], "price": "1"}], [{"bundle": ["b"], "price": 5}]],
            InvalidAmount,
            "table 2, row 1: ambiguous amount 5",
        ),
        ([[{"bundle": ["a"], "price": float("nan")}]], InvalidAmount, "floats are not accepted"),
        ([[{"bundle": ["a"], "price": float("inf")}]], InvalidAmount, "floats are not accepted"),
        ([[{"bundle": ["a"], "price": "inf"}]], InvalidAmount, "malformed amount 'inf'"),
        ([[{"bundle": ["a"], "price": "1.5"}]], InvalidAmount, "PTS allows at most 0"),
        (
            [[{"bundle": ["a"], "price": Money(5, "EUR")}]],
            CurrencyError,
            "table 1, row 1: amount EUR 0.05 is in EUR; this market trades in PTS",
        ),
    ],
)
def test_bad_tables_are_refused_with_the_place(
    tables: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)) as caught:
        from_tables(tables, "PTS")  # type: ignore[arg-type]
    assert type(caught.value) is error


def test_from_tables_checks_the_currency() -> None:
    with pytest.raises(CurrencyError, match="unknown currency"):
        from_tables([[{"bundle": ["a"], "price": "1"}]], "DOGE")


# -- building the winner-determination instance ---------------------------------------------------


def test_or_of_xors_bid_becomes_grouped_atomic_bids() -> None:
    inst = build_instance(GOODS_1_TO_8, {"ann": parse_bid(SPEC_EXAMPLE)}, currency="PTS")
    assert [b.bid_id for b in inst.bids] == [f"ann#{k}" for k in range(1, 7)]
    assert {b.bidder for b in inst.bids} == {"ann"}
    assert [b.price for b in inst.bids] == [30, 25, 75, 55, 25, 25]
    groups = [b.group for b in inst.bids]
    assert groups[0] == groups[1] is not None
    assert groups[2] == groups[3] == groups[4] is not None
    assert groups[0] != groups[2]
    assert groups[5] is None  # a one-atom disjunct needs no exclusivity
    assert inst.bids[3].bundle == ((2, 1), (4, 1))  # goods "3" and "5"
    assert (inst.decimals, inst.unit) == (0, "PTS")
    # One bid per disjunct: 30 + 75 + 25.
    assert solve(inst).value == 130


def test_xor_groups_are_scoped_to_each_bidder() -> None:
    bids = {
        "ann": parse_bid("({1}, 5) XOR ({2}, 4)"),
        "bob": parse_bid("({3}, 5) XOR ({4}, 4)"),
    }
    inst = build_instance(GOODS_1_TO_8, bids, currency="PTS")
    ann = {b.group for b in inst.bids if b.bidder == "ann"}
    bob = {b.group for b in inst.bids if b.bidder == "bob"}
    assert len(ann) == len(bob) == 1
    assert ann.isdisjoint(bob)
    assert solve(inst).value == 10


def test_emediator_or_bid_pays_9_and_xor_bid_7() -> None:
    """eMediator 2.1.2: b({1}) = $5, b({2}) = $4, b({1,2}) = $7 and no other bidders."""
    values = {}
    for language in (Language.OR, Language.XOR):
        joiner = f" {language.value.upper()} "
        text = joiner.join(["({1}, $5)", "({2}, $4)", "({1,2}, $7)"])
        expr = parse_bid(text, "USD")
        assert expr.language is language
        inst = build_instance(["1", "2"], {"agent1": expr}, currency="USD")
        values[language] = inst.format_price(solve(inst).value)
    assert values == {Language.OR: "9.00", Language.XOR: "7.00"}


def test_clarke_groves_refuses_an_or_bid_with_the_reason() -> None:
    expr = parse_bid("({1}, 5) OR ({2}, 4) OR ({1,2}, 7)", "USD")
    with pytest.raises(InvalidInstance) as caught:
        build_instance(["1", "2"], {"agent1": expr}, currency="USD", pricing=Pricing.CLARKE_GROVES)
    message = caught.value.message
    assert message.startswith("'agent1' sent an OR bid")
    assert "Clarke-Groves pricing needs a fully expressive bidding language" in message
    assert "use XOR or OR-of-XORs bids" in message
    # First price takes the same bid.
    assert len(build_instance(["1", "2"], {"agent1": expr}, currency="USD").bids) == 3


def test_clarke_groves_refuses_an_or_auction_outright() -> None:
    with pytest.raises(InvalidInstance, match="fully expressive bidding language"):
        check_pricing(Language.OR, Pricing.CLARKE_GROVES)
    with pytest.raises(InvalidInstance, match="fully expressive bidding language"):
        build_instance(
            ["1"],
            {},
            currency="PTS",
            language=Language.OR,
            pricing=Pricing.CLARKE_GROVES,
        )
    with pytest.raises(InvalidInstance, match="fully expressive"):
        build_instance(["1"], {}, currency="PTS", language="or", pricing="clarke_groves")  # type: ignore[arg-type]
    check_pricing(Language.OR, Pricing.FIRST_PRICE)
    check_pricing(Language.XOR, Pricing.CLARKE_GROVES)
    check_pricing(Language.OR_OF_XORS, Pricing.CLARKE_GROVES)


@pytest.mark.parametrize(
    "text",
    [
        "({1}, 5) XOR ({2}, 4) XOR ({1,2}, 7)",
        "[({1}, 5) XOR ({1,2}, 7)] OR [({2}, 4)]",
        "({1,2}, 7)",  # one atom is an XOR bid
    ],
)
def test_clarke_groves_takes_fully_expressive_bids(text: str) -> None:
    inst = build_instance(
        ["1", "2"],
        {"agent1": parse_bid(text)},
        currency="PTS",
        pricing=Pricing.CLARKE_GROVES,
    )
    assert len(inst.bids) == len(parse_bid(text).atoms)


def test_unknown_language_or_pricing_names_the_allowed_values() -> None:
    with pytest.raises(
        InvalidInstance, match="unknown pricing rule 'vickrey'; allowed: first_price"
    ):
        build_instance(["1"], {}, currency="PTS", pricing="vickrey")  # type: ignore[arg-type]
    with pytest.raises(InvalidInstance, match="unknown bidding language 'AND'"):
        check_pricing("AND", Pricing.FIRST_PRICE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "text", "message"),
    [
        (Language.XOR, "({1}, 5) OR ({2}, 4)", "'b' sent a or bid but this auction takes xor"),
        (
            Language.XOR,
            "[({1}, 5)] OR [({2}, 4)]",
            "'b' sent a or_of_xors bid but this auction takes xor bids",
        ),
        (Language.OR, "({1}, 5) XOR ({2}, 4)", "'b' sent a xor bid but this auction takes or bids"),
    ],
)
def test_a_bid_outside_the_auction_language_is_refused(
    language: Language, text: str, message: str
) -> None:
    with pytest.raises(InvalidInstance, match=re.escape(message)):
        build_instance(["1", "2"], {"b": parse_bid(text)}, currency="PTS", language=language)


@pytest.mark.parametrize(
    ("goods", "bids", "kwargs", "error", "message"),
    [
        (
            ["1", "2"],
            {"b": "({1,9}, 5)"},
            {},
            InvalidInstance,
            "'b' bids on unknown good '9'; goods: 1, 2",
        ),
        (["1"], {"b": "({1}, -5)"}, {}, InvalidInstance, "price must be positive in an auction"),
        (["1"], {"b": "({1}, 0)"}, {}, InvalidInstance, "price must be positive in an auction"),
        (["1", "2"], {"b": "({1:2,2:-1}, 5)"}, {}, InvalidInstance, "selling needs an exchange"),
        (["1", "1"], {"b": "({1}, 5)"}, {}, InvalidInstance, "good '1' is listed twice"),
        ({"1": -1}, {"b": "({1}, 5)"}, {}, InvalidInstance, "allowed: an int >= 0"),
        (["1"], {"": "({1}, 5)"}, {}, InvalidInstance, "non-empty strings"),
        (["1"], {"b": "({1}, 5)"}, {"currency": "XYZ"}, CurrencyError, "unknown currency"),
    ],
)
def test_build_instance_refuses_bad_bids(
    goods: object,
    bids: dict[str, str],
    kwargs: dict[str, str],
    error: type[Exception],
    message: str,
) -> None:
    exprs = {bidder: parse_bid(text) for bidder, text in bids.items()}
    with pytest.raises(error, match=re.escape(message)):
        build_instance(goods, exprs, **{"currency": "PTS", **kwargs})  # type: ignore[arg-type]


def test_build_instance_refuses_another_currency_and_non_bids() -> None:
    with pytest.raises(InvalidInstance, match="'b' bid in EUR; this auction trades in USD"):
        build_instance(["1"], {"b": parse_bid("({1}, 5)", "EUR")}, currency="USD")
    with pytest.raises(InvalidInstance, match="a bid must be a BidExpr"):
        build_instance(["1"], {"b": "({1}, 5)"}, currency="PTS")  # type: ignore[dict-item]


def test_multi_unit_counts_and_exchanges() -> None:
    buy = parse_bid("({kWh-1:4, kWh-2:4}, 10.00) XOR ({kWh-1:6}, 8.00)", "EUR")
    sell = parse_bid("({kWh-1:-6}, -3.00)", "EUR")
    inst = build_instance(
        {"kWh-1": 10, "kWh-2": 10},
        {"refinery": buy, "plant": sell},
        currency="EUR",
        exchange=True,
    )
    assert [g.units for g in inst.goods] == [10, 10]
    assert [b.bundle for b in inst.bids] == [((0, 4), (1, 4)), ((0, 6),), ((0, -6),)]
    assert [b.price for b in inst.bids] == [1000, 800, -300]
    assert inst.exchange
    assert inst.decimals == 2


def test_a_rejected_bid_leaves_nothing_built() -> None:
    good = parse_bid("({1}, 5)")
    bids = {"a": good, "b": parse_bid("({1,7}, 5)")}
    with pytest.raises(InvalidInstance, match="unknown good '7'"):
        build_instance(["1"], bids, currency="PTS")
    # The same call without the bad bid works and the inputs were not consumed or changed.
    assert list(bids) == ["a", "b"]
    assert bids["a"] == parse_bid("({1}, 5)")
    assert len(build_instance(["1"], {"a": good}, currency="PTS").bids) == 1
