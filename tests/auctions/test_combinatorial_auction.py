"""The combinatorial auction engine: sealed OR / XOR / OR-of-XORs bids, exact winner
determination and Clarke-Groves payments equal to the library's, refusals that change nothing."""

from __future__ import annotations

import pytest

from trustmarket.auctions.combinatorial_auction import (
    CombinatorialAuction,
    CombinatorialConfig,
    GoodSpec,
)
from trustmarket.auctions.rules import RevealDuring, Rules
from trustmarket.auctions.visibility import view
from trustmarket.combinatorial import build_instance, parse_bid, solve, vcg
from trustmarket.combinatorial.language import Language, Pricing
from trustmarket.core.errors import DuplicateBid, InvalidBid, InvalidRules
from trustmarket.core.events import PackageBid, Register, Tick

BIDS = {
    "x": "({a, b}, 9.00) XOR ({c}, 4.00)",
    "y": "({a}, 5.00)",
    "z": "({b}, 5.00) XOR ({c}, 3.00)",
}


def _auction(pricing: Pricing = Pricing.CLARKE_GROVES, **extra: object) -> CombinatorialAuction:
    config = CombinatorialConfig(
        auction_id="c",
        currency="EUR",
        end=100,
        participants=("x", "y", "z"),
        goods=(GoodSpec("a"), GoodSpec("b"), GoodSpec("c")),
        pricing=pricing,
        **extra,  # type: ignore[arg-type]
    )
    return CombinatorialAuction(config, Rules(reveal_during=RevealDuring.NONE))


def _run(auction: CombinatorialAuction) -> dict[str, tuple[int, int]]:
    for k, (bidder, text) in enumerate(BIDS.items()):
        auction.apply(PackageBid(id=f"b{k}", time=1, bidder=bidder, bid=text))
    auction.apply(Tick(id="t", time=100))
    outcome = auction.result()
    assert outcome is not None and auction.timeline.final
    return {a.bidder: (a.quantity, a.payment.minor) for a in outcome.awards}


def test_clarke_groves_payments_are_the_librarys() -> None:
    awards = _run(_auction())
    instance = build_instance(
        {"a": 1, "b": 1, "c": 1},
        {b: parse_bid(t, "EUR") for b, t in BIDS.items()},
        currency="EUR",
        pricing=Pricing.CLARKE_GROVES,
    )
    expected = vcg(instance)
    assert {b: p for b, (_, p) in awards.items()} == {
        b: expected.payments.get(b, 0) for b in awards
    }
    # by hand: y pays V(-y) - (V - v_y) = 12 - (14 - 5) = 3.00; x and z pay nothing
    assert awards == {"x": (1, 0), "y": (1, 300), "z": (1, 0)}


def test_first_price_winners_pay_their_accepted_bids() -> None:
    awards = _run(_auction(Pricing.FIRST_PRICE))
    instance = build_instance(
        {"a": 1, "b": 1, "c": 1},
        {b: parse_bid(t, "EUR") for b, t in BIDS.items()},
        currency="EUR",
    )
    assert solve(instance).value == 1400
    assert awards == {"x": (1, 400), "y": (1, 500), "z": (1, 500)}


def test_bids_stay_sealed_until_clearing() -> None:
    auction = _auction()
    auction.apply(PackageBid(id="b0", time=1, bidder="x", bid=BIDS["x"]))
    seen = view(auction, "y")
    assert seen["other_bids"] == [] and "9.00" not in str(seen)
    assert view(auction, "x")["your_bids"][0]["bid"] == BIDS["x"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("({a}, 1.00) OR ({b}, 1.00)", "fully expressive"),
        ("({q}, 1.00)", "unknown good"),
        ("({a}, 1.001)", "decimal"),
        ("({a} 1.00)", "column"),
    ],
)
def test_refused_bids_change_nothing(text: str, says: str) -> None:
    auction = _auction()
    before = auction.to_json()
    with pytest.raises(InvalidBid, match=says):
        auction.apply(PackageBid(id="b0", time=1, bidder="x", bid=text))
    assert auction.to_json() == before


def test_one_bid_per_bidder_and_a_size_limit() -> None:
    auction = _auction(max_atoms=2)
    auction.apply(PackageBid(id="b0", time=1, bidder="x", bid="({a}, 1.00)"))
    with pytest.raises(DuplicateBid):
        auction.apply(PackageBid(id="b1", time=1, bidder="x", bid="({b}, 1.00)"))
    with pytest.raises(InvalidBid, match="at most 2 atomic bids"):
        auction.apply(PackageBid(id="b2", time=1, bidder="y", bid="({a}, 1.00) XOR ({b}, 2.00)"))
    auction.apply(Register(id="r", time=2, bidder="w"))
    auction.apply(PackageBid(id="b3", time=2, bidder="w", bid="({b}, 2.00)"))


def test_configuration_refusals() -> None:
    with pytest.raises(InvalidRules, match="fully expressive"):
        _auction(language=Language.OR)
    with pytest.raises(InvalidRules, match="distinct"):
        CombinatorialConfig(
            auction_id="c", currency="EUR", end=9, goods=(GoodSpec("a"), GoodSpec("a"))
        )
    with pytest.raises(InvalidRules, match="sealed"):
        CombinatorialAuction(
            CombinatorialConfig(auction_id="c", currency="EUR", end=9, goods=(GoodSpec("a"),))
        )
