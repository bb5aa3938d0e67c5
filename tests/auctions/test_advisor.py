"""The auction-type advisor (SPEC 3.1): valid bid types and pricing rules with reasons for every
setting, and refusal of invalid combinations with the reason."""

from __future__ import annotations

import itertools

import pytest

from trustmarket.auctions import MECHANISMS, Setting, advise, check_choice
from trustmarket.auctions.advisor import GOODS, SIDES
from trustmarket.core.errors import InvalidInput, InvalidRules

# The SPEC 3.1 table, by hand: (bid types, pricing rules, engines in trustmarket.auctions).
TABLE: dict[tuple[str, str], tuple[set[str], set[str], set[str]]] = {
    ("single", "unit"): (
        {"price"},
        {"first_price", "second_price"},
        {"english", "dutch", "first_price_sealed", "vickrey"},
    ),
    ("single", "units"): (
        {"xor", "or_of_xors", "curve"},
        {"pay_as_bid", "clarke_groves", "uniform"},
        {"multi_unit"},
    ),
    ("single", "items"): (
        {"or", "xor", "or_of_xors"},
        {"first_price", "clarke_groves"},
        {"combinatorial"},
    ),
    ("single", "items-units"): (
        {"xor", "or_of_xors"},
        {"first_price", "clarke_groves"},
        {"combinatorial"},
    ),
    ("double", "unit"): ({"bid_ask"}, {"middle_price"}, {"double"}),
    ("double", "units"): ({"curve"}, {"max_volume"}, {"multi_unit_double"}),
    ("double", "items"): ({"or_of_xors"}, {"max_surplus"}, set()),
    ("double", "items-units"): ({"or_of_xors"}, {"max_surplus"}, set()),
}

# Which pricing rules are incentive compatible (truthful bidding dominant), by hand.
INCENTIVE_COMPATIBLE = {"second_price", "clarke_groves"}

# Every (bid type, pricing) a user could ask about, valid or not.
ALL_BID_TYPES = sorted({b for bids, _, _ in TABLE.values() for b in bids} | {"sealed"})
ALL_PRICING = sorted({p for _, prices, _ in TABLE.values() for p in prices} | {"dutch"})

# Combinations the advisor must refuse with a reason even though both names are listed.
REFUSED = {("single", "items", "or", "clarke_groves")}


def test_the_table_covers_every_setting() -> None:
    assert set(TABLE) == set(itertools.product(SIDES, GOODS))


@pytest.mark.parametrize(("sides", "goods"), sorted(TABLE))
def test_advice_for_every_setting(sides: str, goods: str) -> None:
    advice = advise(Setting(sides=sides, goods=goods))
    bid_types, pricing, mechanisms = TABLE[(sides, goods)]
    assert advice.setting == Setting(sides=sides, goods=goods)
    assert {c.name for c in advice.bid_types} == bid_types
    assert {c.name for c in advice.pricing} == pricing
    assert set(advice.mechanisms) == mechanisms
    for choice in (*advice.bid_types, *advice.pricing):
        assert choice.reason.strip() and "\n" not in choice.reason  # a one-line reason
    for choice in advice.pricing:
        assert choice.incentive_compatible is (choice.name in INCENTIVE_COMPATIBLE)
    for refusal in advice.refused:
        assert refusal.reason.strip() and "\n" not in refusal.reason


@pytest.mark.parametrize(("sides", "goods"), sorted(TABLE))
def test_engines_named_by_the_advisor_fit_the_setting(sides: str, goods: str) -> None:
    for name in advise(Setting(sides=sides, goods=goods)).mechanisms:
        info = MECHANISMS[name].info
        # The combinatorial auction's goods may have unit counts: it serves both settings.
        goods_served = {"items", "items-units"} if info.goods == "items" else {info.goods}
        assert info.sides == sides and goods in goods_served


def test_every_engine_is_recommended_somewhere() -> None:
    named = {m for key in TABLE for m in advise(Setting(*key)).mechanisms}
    assert named == set(MECHANISMS)


def test_uniform_price_is_flagged_with_the_reason() -> None:
    pricing = {c.name: c for c in advise(Setting(sides="single", goods="units")).pricing}
    assert pricing["uniform"].incentive_compatible is False
    assert "NOT incentive compatible" in pricing["uniform"].reason
    assert "demand reduction" in pricing["uniform"].reason


@pytest.mark.parametrize(("sides", "goods"), sorted(TABLE))
def test_check_choice_accepts_exactly_the_valid_combinations(sides: str, goods: str) -> None:
    setting = Setting(sides=sides, goods=goods)
    bid_types, prices, _ = TABLE[(sides, goods)]
    for bid_type, pricing in itertools.product(ALL_BID_TYPES, ALL_PRICING):
        refused = (sides, goods, bid_type, pricing) in REFUSED
        if bid_type in bid_types and pricing in prices and not refused:
            assert check_choice(setting, bid_type, pricing).setting == setting
            continue
        with pytest.raises(InvalidRules) as info:
            check_choice(setting, bid_type, pricing)
        message = str(info.value)
        assert "\n" not in message
        # The message names what was refused and, when a name is unknown, what is allowed.
        assert bid_type in message or pricing in message, (bid_type, pricing, message)
        if bid_type in bid_types and pricing not in prices:
            assert "allowed: " in message and all(p in message for p in prices)


def test_clarke_groves_with_or_bids_is_refused_as_not_fully_expressive() -> None:
    setting = Setting(sides="single", goods="items")
    with pytest.raises(InvalidRules, match="not fully expressive"):
        check_choice(setting, "or", "clarke_groves")
    # OR bids are fine with first-price, and Clarke-Groves is fine with XOR and OR-of-XORs.
    check_choice(setting, "or", "first_price")
    check_choice(setting, "xor", "clarke_groves")
    check_choice(setting, "or_of_xors", "clarke_groves")


@pytest.mark.parametrize(
    ("setting", "bid_type", "pricing", "fragment"),
    [
        (Setting("single", "units"), "or", "pay_as_bid", "5 units are worth less"),
        (Setting("single", "units"), "or", "clarke_groves", "not fully expressive"),
        (Setting("single", "items-units"), "or", "clarke_groves", "not fully expressive"),
        (Setting("double", "items"), "or", "max_surplus", "OR-of-XORs"),
        (Setting("double", "items-units"), "xor", "max_surplus", "OR-of-XORs"),
    ],
)
def test_refused_combinations_say_why(
    setting: Setting, bid_type: str, pricing: str, fragment: str
) -> None:
    with pytest.raises(InvalidRules, match=fragment) as info:
        check_choice(setting, bid_type, pricing)
    assert "refused" in str(info.value)


@pytest.mark.parametrize(("sides", "goods"), sorted(TABLE))
def test_each_listed_refusal_is_enforced(sides: str, goods: str) -> None:
    setting = Setting(sides=sides, goods=goods)
    for refusal in advise(setting).refused:
        for pricing in [refusal.pricing] if refusal.pricing else ALL_PRICING:
            with pytest.raises(InvalidRules) as info:
                check_choice(setting, refusal.bid_type, pricing)
            assert refusal.reason in str(info.value)


def test_divisibility_notes() -> None:
    divisible = advise(Setting(sides="single", goods="units", divisible=True))
    assert any("exact_match=false" in n for n in divisible.notes)
    whole = advise(Setting(sides="single", goods="units"))
    assert any("exact_match=true" in n for n in whole.notes)
    assert not any("exact_match" in n for n in advise(Setting("single", "unit")).notes)
    # Divisibility changes the notes only, not the valid choices.
    assert divisible.bid_types == whole.bid_types and divisible.pricing == whole.pricing


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"sides": "triple", "goods": "unit"}, "sides must be one of single, double"),
        ({"sides": "single", "goods": "apples"}, "goods must be one of unit, units"),
        ({"sides": "", "goods": "unit"}, "sides"),
        ({"sides": "single", "goods": "unit", "divisible": True}, "cannot be divisible"),
        ({"sides": "single", "goods": "units", "divisible": "yes"}, "divisible must be"),
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        Setting(**kwargs)  # type: ignore[arg-type]


def test_advise_needs_a_setting() -> None:
    with pytest.raises(InvalidInput, match="needs a Setting"):
        advise(("single", "unit"))  # type: ignore[arg-type]
