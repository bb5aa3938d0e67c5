"""Multi-unit auctions of one item (SPEC 3.1, 3.3): pay-as-bid, uniform price, multi-unit
Vickrey (Clarke-Groves) with XOR bids of (quantity, price), and the exact-match option.

Expected values are worked out by hand in the comments; the properties compare the engine with
brute-force enumeration over every XOR choice.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.auctions import (
    MultiUnitAuction,
    MultiUnitConfig,
    MultiUnitPricing,
    RetractBefore,
    Rules,
    Setting,
    TieBreaking,
    advise,
)
from trustmarket.auctions.multi_unit import UNIFORM_NOTE
from trustmarket.core.errors import (
    BidTooLow,
    CurrencyError,
    DuplicateBid,
    DuplicateEvent,
    InvalidBid,
    InvalidInput,
    InvalidRules,
    NotOpen,
    RejectedEvent,
    RetractionNotAllowed,
    UnknownParticipant,
)
from trustmarket.core.events import Register, Retract, Tick, UnitsBid, UnitsOffer
from trustmarket.core.money import Money

VICKREY, UNIFORM, PAY_AS_BID = (
    MultiUnitPricing.VICKREY,
    MultiUnitPricing.UNIFORM,
    MultiUnitPricing.PAY_AS_BID,
)

XorBid = list[tuple[int, int]]  # (quantity, total price in minor units)


def make(
    supply: int,
    pricing: MultiUnitPricing,
    bidders: tuple[str, ...],
    *,
    rules: Rules | None = None,
    reserve: Money | None = None,
    currency: str = "EUR",
    start: int = 0,
) -> MultiUnitAuction:
    config = MultiUnitConfig(
        auction_id="units",
        currency=currency,
        start=start,
        end=100,
        supply=supply,
        pricing=pricing,
        participants=bidders,
        reserve_unit_price=reserve,
    )
    return MultiUnitAuction(config, rules)


def units_bid(
    event_id: str, time: int, bidder: str, alternatives: XorBid, currency: str = "EUR"
) -> UnitsBid:
    return UnitsBid(
        id=event_id,
        time=time,
        bidder=bidder,
        alternatives=tuple(UnitsOffer(q, Money(p, currency)) for q, p in alternatives),
    )


def run(
    bids: dict[str, XorBid],
    supply: int,
    pricing: MultiUnitPricing,
    *,
    exact_match: bool = True,
    reserve: Money | None = None,
    tie_breaking: TieBreaking = TieBreaking.EARLIER,
    currency: str = "EUR",
) -> tuple[dict[str, tuple[int, int]], tuple[str, ...]]:
    """Run one auction; return {bidder: (units, payment in minor units)} and the notes."""
    rules = Rules(exact_match=exact_match, tie_breaking=tie_breaking)
    auction = make(supply, pricing, tuple(bids), rules=rules, reserve=reserve, currency=currency)
    for i, (name, alternatives) in enumerate(bids.items()):
        auction.apply(units_bid(f"bid-{name}", i + 1, name, alternatives, currency))
    auction.apply(Tick(id="close", time=100))
    outcome = auction.result()
    assert outcome is not None
    for award in outcome.awards:
        assert type(award.payment.minor) is int
        assert award.payment.currency == currency
    return {a.bidder: (a.quantity, a.payment.minor) for a in outcome.awards}, outcome.notes


# ---------------------------------------------------------------------------------------------
# Hand-computed examples
# ---------------------------------------------------------------------------------------------
# Supply 4. a: 1 unit for 7.00 XOR 2 units for 12.00; b: 2 for 10.00; c: 3 for 12.00;
# d: 1 for 3.00. Feasible totals: a2+b2 = 22, a1+b2+d1 = 20, a1+c3 = 19, c3+d1 = 15,
# a2+d1 = 15, b2+d1 = 13 ... The best is a2+b2 = 22.00.
EXAMPLE: dict[str, XorBid] = {
    "a": [(1, 700), (2, 1200)],
    "b": [(2, 1000)],
    "c": [(3, 1200)],
    "d": [(1, 300)],
}


def test_pay_as_bid_hand_example() -> None:
    awards, notes = run(EXAMPLE, 4, PAY_AS_BID)
    assert awards == {"a": (2, 1200), "b": (2, 1000)}
    assert UNIFORM_NOTE not in notes


def test_vickrey_hand_example() -> None:
    # a: without a the best of b, c, d in 4 units is c3+d1 = 15.00; the others get b's 10.00
    #    in the chosen allocation, so a pays 15.00 - 10.00 = 5.00.
    # b: without b the best is a1+c3 = 19.00; the others get a's 12.00: b pays 7.00.
    awards, notes = run(EXAMPLE, 4, VICKREY)
    assert awards == {"a": (2, 500), "b": (2, 700)}
    assert UNIFORM_NOTE not in notes


def test_uniform_hand_example_is_flagged() -> None:
    # Losers c (4.00 per unit) and d (3.00 per unit): the price is 4.00 per unit, below the
    # lowest accepted unit price (b's 5.00), so a and b each pay 2 x 4.00.
    awards, notes = run(EXAMPLE, 4, UNIFORM)
    assert awards == {"a": (2, 800), "b": (2, 800)}
    assert UNIFORM_NOTE in notes
    assert "not incentive compatible" in UNIFORM_NOTE


def test_docs_example_all_three_pricings() -> None:
    # docs/auctions.md: supply 5; ann 2 for 10 XOR 3 for 12; bo 3 for 9; cy 2 for 8.
    bids: dict[str, XorBid] = {"ann": [(2, 1000), (3, 1200)], "bo": [(3, 900)], "cy": [(2, 800)]}
    assert run(bids, 5, PAY_AS_BID)[0] == {"ann": (3, 1200), "cy": (2, 800)}
    # ann: (bo 9 + cy 8) - cy 8 = 9; cy: (ann2 10 + bo 9) - ann3 12 = 7.
    assert run(bids, 5, VICKREY)[0] == {"ann": (3, 900), "cy": (2, 700)}
    # bo lost at 3.00 per unit.
    assert run(bids, 5, UNIFORM)[0] == {"ann": (3, 900), "cy": (2, 600)}


def test_uniform_price_rewards_demand_reduction_but_vickrey_does_not() -> None:
    # Supply 2. Ann values each of 2 units at 10.00; Bo wants 1 unit for 6.00.
    truthful: dict[str, XorBid] = {"ann": [(1, 1000), (2, 2000)], "bo": [(1, 600)]}
    reduced: dict[str, XorBid] = {"ann": [(1, 1000)], "bo": [(1, 600)]}
    ann_value = {0: 0, 1: 1000, 2: 2000}

    def ann_utility(bids: dict[str, XorBid], pricing: MultiUnitPricing) -> int:
        units, paid = run(bids, 2, pricing)[0].get("ann", (0, 0))
        return ann_value[units] - paid

    # Uniform, truthful: Ann wins 2 units at Bo's 6.00 each -> 20 - 12 = 8.00.
    # Uniform, reduced: Ann and Bo win 1 each; nobody lost, no reserve -> price 0 -> 10.00.
    assert ann_utility(truthful, UNIFORM) == 800
    assert ann_utility(reduced, UNIFORM) == 1000
    # Vickrey, truthful: Ann wins 2 and pays 6.00 -> 14.00; reduced: pays 6 - 6 = 0 -> 10.00.
    assert ann_utility(truthful, VICKREY) == 1400
    assert ann_utility(reduced, VICKREY) == 1000


def test_uniform_with_no_loser_charges_the_reserve() -> None:
    bids: dict[str, XorBid] = {"ann": [(2, 1000)], "bo": [(1, 600)]}
    awards, _ = run(bids, 3, UNIFORM, reserve=Money(150, "EUR"))
    assert awards == {"ann": (2, 300), "bo": (1, 150)}


def test_uniform_price_is_capped_at_the_lowest_accepted_unit_price() -> None:
    # Supply 3: ann 3 units for 6.00 (2.00 each) beats bo 2 units for 5.00 (2.50 each).
    # Bo lost at 2.50 per unit, but Ann's own unit price 2.00 caps the price: she pays 6.00.
    awards, _ = run({"ann": [(3, 600)], "bo": [(2, 500)]}, 3, UNIFORM)
    assert awards == {"ann": (3, 600)}


def test_exact_match_on_and_off() -> None:
    # Supply 5: ann 3 for 12.00, bo 3 for 9.00. Exact: only one fits -> ann.
    bids: dict[str, XorBid] = {"ann": [(3, 1200)], "bo": [(3, 900)]}
    assert run(bids, 5, PAY_AS_BID)[0] == {"ann": (3, 1200)}
    assert run(bids, 5, VICKREY)[0] == {"ann": (3, 900)}  # bo's 9.00 - 0
    # Partial fills: ann 3 (12.00) + bo 2 of 3 units (6.00) = 18.00.
    assert run(bids, 5, PAY_AS_BID, exact_match=False)[0] == {"ann": (3, 1200), "bo": (2, 600)}
    # ann pays bo's 9.00 - 6.00 = 3.00; bo pays ann's 12.00 - 12.00 = 0.
    assert run(bids, 5, VICKREY, exact_match=False)[0] == {"ann": (3, 300), "bo": (2, 0)}


def test_partial_fill_payment_is_rounded_down() -> None:
    # Supply 2, ann 3 units for 10.00: 2 units are worth 20.00 / 3 = 6.666..., paid as 6.66.
    awards, _ = run({"ann": [(3, 1000)]}, 2, PAY_AS_BID, exact_match=False)
    assert awards == {"ann": (2, 666)}
    # Vickrey: the others' totals are 0 either way, and there is no reserve: she pays 0.
    assert run({"ann": [(3, 1000)]}, 2, VICKREY, exact_match=False)[0] == {"ann": (2, 0)}


def test_exact_match_refuses_a_bid_larger_than_the_supply() -> None:
    auction = make(2, PAY_AS_BID, ("ann",))
    _rejects(auction, units_bid("b", 1, "ann", [(3, 1000)]), InvalidBid, "supply of 2")


def test_vickrey_reserve_is_a_floor_per_unit() -> None:
    # Supply 3, reserve 2.00 per unit: ann 2 for 10.00 and bo 1 for 5.00 both win, their
    # Clarke prices are 0, so each pays the reserve for her units.
    bids: dict[str, XorBid] = {"ann": [(2, 1000)], "bo": [(1, 500)]}
    assert run(bids, 3, VICKREY, reserve=Money(200, "EUR"))[0] == {
        "ann": (2, 400),
        "bo": (1, 200),
    }


@pytest.mark.parametrize(
    ("tie", "winner"), [(TieBreaking.EARLIER, "ann"), (TieBreaking.LATER, "bo")]
)
def test_ties_follow_the_rules(tie: TieBreaking, winner: str) -> None:
    bids: dict[str, XorBid] = {"ann": [(2, 1000)], "bo": [(2, 1000)]}
    awards, _ = run(bids, 2, VICKREY, tie_breaking=tie)
    assert awards == {winner: (2, 1000)}  # the loser's equal bid sets the price


def test_whole_unit_currency() -> None:
    awards, _ = run({"a": [(1, 500)], "b": [(1, 300)]}, 1, VICKREY, currency="JPY")
    assert awards == {"a": (1, 300)}


def test_no_bids_sells_nothing() -> None:
    auction = make(3, VICKREY, ("ann",))
    auction.apply(Tick(id="t", time=100))
    outcome = auction.result()
    assert outcome is not None and outcome.awards == ()
    assert any("no bids" in n for n in outcome.notes)


def test_retraction_when_allowed_removes_the_bid() -> None:
    auction = make(2, VICKREY, ("ann", "bo"), rules=Rules(retract_before=RetractBefore.YES))
    auction.apply(units_bid("b1", 1, "ann", [(2, 1000)]))
    auction.apply(units_bid("b2", 2, "bo", [(2, 800)]))
    auction.apply(Retract(id="r", time=3, bidder="ann", bid_id="b1"))
    auction.apply(Tick(id="t", time=100))
    outcome = auction.result()
    assert outcome is not None
    assert [(a.bidder, a.payment.minor) for a in outcome.awards] == [("bo", 0)]


# ---------------------------------------------------------------------------------------------
# Bad input: a specific error and no change
# ---------------------------------------------------------------------------------------------
def _rejects(auction: MultiUnitAuction, event: object, error: type[Exception], text: str) -> None:
    before = auction.to_json()
    with pytest.raises(error) as info:
        auction.apply(event)  # type: ignore[arg-type]
    assert text in str(info.value)
    assert auction.to_json() == before


def test_bad_bids_are_rejected_and_change_nothing() -> None:
    auction = make(
        3,
        VICKREY,
        ("ann", "bo"),
        reserve=Money(200, "EUR"),
        start=5,
    )
    auction.apply(units_bid("ok", 6, "ann", [(1, 300)]))
    _rejects(auction, units_bid("x1", 6, "zed", [(1, 300)]), UnknownParticipant, "'zed'")
    _rejects(auction, units_bid("x2", 7, "bo", [(4, 900), (5, 999)]), InvalidBid, "supply of 3")
    _rejects(auction, units_bid("x3", 7, "bo", [(2, 399)]), BidTooLow, "EUR 4.00")
    _rejects(auction, units_bid("x4", 7, "ann", [(2, 500)]), DuplicateBid, "'ok'")
    _rejects(auction, units_bid("ok", 7, "bo", [(1, 300)]), DuplicateEvent, "'ok'")
    _rejects(auction, units_bid("x5", 7, "bo", [(1, 300)], "USD"), CurrencyError, "EUR")
    _rejects(auction, units_bid("x6", 5, "bo", [(1, 300)]), RejectedEvent, "earlier")
    _rejects(
        auction,
        Retract(id="x7", time=7, bidder="ann", bid_id="ok"),
        RetractionNotAllowed,
        "retract_before",
    )
    _rejects(auction, units_bid("x8", 100, "bo", [(1, 300)]), NotOpen, "closed at time 100")
    _rejects(auction, Register(id="x9", time=8, bidder="ann"), RejectedEvent, "already registered")


def test_bid_before_the_start_is_rejected() -> None:
    # Refused (NotOpen or, with the engine's clock starting at ``start``, OutOfOrder); either
    # way the message names the opening time 50.
    auction = make(3, VICKREY, ("ann",), start=50)
    _rejects(auction, units_bid("early", 10, "ann", [(1, 300)]), RejectedEvent, "time 50")


def test_retracting_someone_elses_bid_is_refused() -> None:
    auction = make(2, VICKREY, ("ann", "bo"), rules=Rules(retract_before=RetractBefore.YES))
    auction.apply(units_bid("b1", 1, "ann", [(2, 1000)]))
    _rejects(auction, Retract(id="r", time=2, bidder="bo", bid_id="b1"), RetractionNotAllowed, "b1")


@pytest.mark.parametrize(
    ("alternatives", "fragment"),
    [
        ([], "non-empty"),
        ([(0, 100)], "quantity"),
        ([(2, 0)], "positive"),
        ([(2, -100)], "positive"),
        ([(2, 100), (2, 200)], "each quantity may appear once"),
    ],
)
def test_malformed_units_bids_are_refused(alternatives: XorBid, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        units_bid("b", 1, "ann", alternatives)


def test_float_prices_are_refused() -> None:
    with pytest.raises(InvalidInput, match="float"):
        Money(12.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        UnitsOffer(2, 12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"supply": 0}, "supply"),
        ({"supply": 2.0}, "supply"),
        ({"pricing": "vickrey"}, "pricing must be one of"),
        ({"reserve_unit_price": Money(0, "EUR")}, "positive"),
        ({"reserve_unit_price": Money(100, "USD")}, "EUR"),
    ],
)
def test_bad_configuration_is_refused(changes: dict[str, object], fragment: str) -> None:
    kwargs: dict[str, object] = {"auction_id": "u", "currency": "EUR", "end": 10, "supply": 3}
    kwargs.update(changes)
    with pytest.raises(InvalidRules, match=fragment):
        MultiUnitConfig(**kwargs)  # type: ignore[arg-type]


def test_advisor_flags_uniform_as_not_incentive_compatible() -> None:
    pricing = {c.name: c for c in advise(Setting(sides="single", goods="units")).pricing}
    assert pricing["uniform"].incentive_compatible is False
    assert pricing["clarke_groves"].incentive_compatible is True


# ---------------------------------------------------------------------------------------------
# Properties against brute force
# ---------------------------------------------------------------------------------------------
@st.composite
def instances(draw: st.DrawFn, oversize: int = 0) -> tuple[int, dict[str, XorBid]]:
    """Small instances: supply 1..5, 1..4 bidders, XOR bids of 1..3 distinct quantities of
    at most ``supply + oversize`` units."""
    supply = draw(st.integers(1, 5))
    n = draw(st.integers(1, 4))
    bids: dict[str, XorBid] = {}
    for i in range(n):
        quantities = draw(
            st.lists(st.integers(1, supply + oversize), min_size=1, max_size=3, unique=True)
        )
        bids[f"b{i}"] = [(q, draw(st.integers(1, 40))) for q in quantities]
    return supply, bids


def xor_options(bid: XorBid, supply: int, exact: bool) -> list[tuple[int, Fraction]]:
    """Every (units, value) a bid can be awarded, including nothing."""
    options: list[tuple[int, Fraction]] = [(0, Fraction(0))]
    for q, p in bid:
        for k in [q] if exact else range(1, q + 1):
            if k <= supply:
                options.append((k, Fraction(p * k, q)))
    return options


def brute_best(bids: dict[str, XorBid], supply: int, exact: bool = True) -> Fraction:
    """The best total value over every combination of one option per bidder."""
    best = Fraction(0)
    for combo in itertools.product(*(xor_options(b, supply, exact) for b in bids.values())):
        if sum(k for k, _ in combo) <= supply:
            best = max(best, sum((v for _, v in combo), Fraction(0)))
    return best


def value_won(bid: XorBid, units: int) -> int:
    """A true XOR valuation with free disposal: the best alternative that fits in ``units``."""
    return max([p for q, p in bid if q <= units], default=0)


def award_value(bid: XorBid, units: int) -> int:
    """With exact match an award is exactly one of the bid's alternatives."""
    matches = [p for q, p in bid if q == units]
    assert len(matches) == 1, (bid, units)
    return matches[0]


@settings(max_examples=120, deadline=None)
@given(instances())
def test_vickrey_allocation_is_optimal_and_payments_are_clarke(
    instance: tuple[int, dict[str, XorBid]],
) -> None:
    supply, bids = instance
    awards, _ = run(bids, supply, VICKREY, currency="PTS")
    assert sum(units for units, _ in awards.values()) <= supply
    values = {name: award_value(bids[name], units) for name, (units, _) in awards.items()}
    total = sum(values.values())
    assert total == brute_best(bids, supply)
    for name, (_, payment) in awards.items():
        others = {k: v for k, v in bids.items() if k != name}
        clarke = brute_best(others, supply) - (total - values[name])
        assert payment == clarke
        assert 0 <= payment <= values[name]


@settings(max_examples=80, deadline=None)
@given(instances(oversize=2), st.sampled_from(list(MultiUnitPricing)))
def test_partial_fills_are_optimal_and_payments_within_bids(
    instance: tuple[int, dict[str, XorBid]], pricing: MultiUnitPricing
) -> None:
    supply, bids = instance
    rules = Rules(exact_match=False)
    auction = make(supply, pricing, tuple(bids), rules=rules, currency="PTS")
    for i, (name, alternatives) in enumerate(bids.items()):
        auction.apply(units_bid(f"bid-{name}", i + 1, name, alternatives, "PTS"))
    auction.apply(Tick(id="close", time=100))
    outcome = auction.result()
    assert outcome is not None
    chosen = auction.best_bid_ids()
    assert {a.bid_id for a in outcome.awards} == chosen
    # The value of each award: the best pro-rata value of any alternative covering the units.
    total = Fraction(0)
    for award in outcome.awards:
        bid = bids[award.bidder]
        value = max(Fraction(p * award.quantity, q) for q, p in bid if q >= award.quantity)
        total += value
        assert 0 <= award.payment.minor <= value
    assert total == brute_best(bids, supply, exact=False)
    assert sum(a.quantity for a in outcome.awards) <= supply


@settings(max_examples=120, deadline=None)
@given(instances(), st.sampled_from(list(MultiUnitPricing)))
def test_payments_are_non_negative_integers_never_above_the_bid(
    instance: tuple[int, dict[str, XorBid]], pricing: MultiUnitPricing
) -> None:
    supply, bids = instance
    awards, notes = run(bids, supply, pricing, currency="PTS")
    assert (UNIFORM_NOTE in notes) == (pricing is UNIFORM)
    for name, (units, payment) in awards.items():
        assert type(payment) is int
        assert 0 <= payment <= award_value(bids[name], units)
    if pricing is UNIFORM and awards:
        # One unit price for everyone: the best unit price of a bid that won nothing, capped
        # at the lowest accepted unit price; k units cost floor(k * price).
        losing = [Fraction(p, q) for name in bids if name not in awards for q, p in bids[name]]
        accepted = [Fraction(award_value(bids[n], k), k) for n, (k, _) in awards.items()]
        unit = min(max(losing, default=Fraction(0)), min(accepted))
        assert {n: paid for n, (_, paid) in awards.items()} == {
            n: math.floor(k * unit) for n, (k, _) in awards.items()
        }


@settings(max_examples=100, deadline=None)
@given(
    instances(),
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(1, 60)),
        min_size=1,
        max_size=3,
        unique_by=lambda alt: alt[0],
    ),
)
def test_truthful_bidding_is_weakly_dominant_in_vickrey(
    instance: tuple[int, dict[str, XorBid]], deviation: XorBid
) -> None:
    supply, bids = instance
    truth = bids["b0"]

    def utility(report: XorBid) -> int:
        fitting = [(q, p) for q, p in report if q <= supply]
        if not fitting:
            return 0  # such a bid is refused; the bidder then wins and pays nothing
        units, paid = run({**bids, "b0": fitting}, supply, VICKREY, currency="PTS")[0].get(
            "b0", (0, 0)
        )
        return value_won(truth, units) - paid

    honest = utility(truth)
    assert honest >= 0  # individual rationality
    deviations = [deviation]
    # Systematic deviations too: each single alternative, shaded and inflated.
    for q, p in truth:
        deviations += [[(q, p)], [(q, max(1, p // 2))], [(q, p * 2 + 1)]]
    deviations.append([(q, p + 5) for q, p in truth])
    for report in deviations:
        assert utility(report) <= honest, (report, honest)
