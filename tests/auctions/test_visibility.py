"""What a participant sees: one function ``view(auction, viewer)`` of the state, the viewer and
the rules (SPEC 3.2). Sealed bids are never revealed early, to anyone but the bidder."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trustmarket.auctions import (
    ClearWhen,
    CloseWhen,
    EnglishAuction,
    EnglishConfig,
    FirstPriceSealed,
    RetractAfter,
    RetractBefore,
    RevealAfter,
    RevealDuring,
    Rules,
    SealedConfig,
    TieBreaking,
    VickreyAuction,
    view,
)
from trustmarket.auctions.engine import AuctionEngine
from trustmarket.core.errors import InvalidRules, TrustmarketError
from trustmarket.core.events import Bid, Cancel, Decommit, InputEvent, Retract, Tick
from trustmarket.core.money import Money


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def sealed(
    cls: type[Any] = VickreyAuction,
    reveal_after: RevealAfter = RevealAfter.ALL,
    **rules: Any,
) -> Any:
    config = SealedConfig(
        auction_id="painting",
        currency="EUR",
        end=100,
        participants=("ann", "bo", "cy"),
        reserve=eur("10.00"),
    )
    return cls(config, Rules(reveal_during=RevealDuring.NONE, reveal_after=reveal_after, **rules))


def english(reveal_during: RevealDuring, reveal_after: RevealAfter = RevealAfter.ALL) -> Any:
    config = EnglishConfig(
        auction_id="clock",
        currency="EUR",
        end=100,
        increment=eur("1.00"),
        participants=("ann", "bo", "cy"),
    )
    return EnglishAuction(config, Rules(reveal_during=reveal_during, reveal_after=reveal_after))


def ids(records: list[dict[str, Any]]) -> list[str]:
    return sorted(r["bid_id"] for r in records)


def bid_sealed(auction: Any) -> None:
    auction.apply(Bid(id="a", time=1, bidder="ann", amount=eur("70.00")))
    auction.apply(Bid(id="b", time=2, bidder="bo", amount=eur("55.00")))
    auction.apply(Bid(id="c", time=3, bidder="cy", amount=eur("40.00")))


# --------------------------------------------------------------------------------------------
# Sealed bids
# --------------------------------------------------------------------------------------------
def test_sealed_before_clearing_each_sees_only_her_own_bid() -> None:
    auction = sealed()
    bid_sealed(auction)
    seen = view(auction, "bo")
    assert seen["your_bids"] == [
        {"bid_id": "b", "bidder": "bo", "time": 2, "amount": {"minor": 5500, "currency": "EUR"}}
    ]
    assert seen["other_bids"] == [] and seen["result"] is None
    assert seen["status"] == "open" and seen["viewer"] == "bo"
    public = view(auction, None)
    assert public["your_bids"] == [] and public["other_bids"] == []
    text = json.dumps(seen)
    for hidden in ('"a"', '"c"', "7000", "4000", '"ann"', '"cy"'):
        assert hidden not in text


def test_sealed_after_clearing_reveal_all() -> None:
    auction = sealed(reveal_after=RevealAfter.ALL)
    bid_sealed(auction)
    auction.apply(Tick(id="t", time=100))
    seen = view(auction, "bo")
    assert ids(seen["other_bids"]) == ["a", "c"]
    assert {r["bidder"]: r["amount"]["minor"] for r in seen["other_bids"]} == {
        "ann": 7000,
        "cy": 4000,
    }
    assert seen["result"]["awards"] == [
        {
            "bidder": "ann",
            "quantity": 1,
            "payment": {"minor": 5500, "currency": "EUR"},
            "bid_id": "a",
        }
    ]
    assert seen["result"]["final"] is True and seen["status"] == "closed"
    assert ids(view(auction, None)["other_bids"]) == ["a", "b", "c"]


def test_sealed_after_clearing_reveal_winning() -> None:
    auction = sealed(reveal_after=RevealAfter.WINNING)
    bid_sealed(auction)
    auction.apply(Tick(id="t", time=100))
    assert ids(view(auction, "bo")["other_bids"]) == ["a"]
    assert ids(view(auction, "cy")["other_bids"]) == ["a"]
    assert ids(view(auction, "ann")["other_bids"]) == []  # her own bid is in your_bids
    assert ids(view(auction, "ann")["your_bids"]) == ["a"]
    assert view(auction, "bo")["result"]["awards"][0]["bidder"] == "ann"


def test_sealed_after_clearing_reveal_none() -> None:
    auction = sealed(reveal_after=RevealAfter.NONE)
    bid_sealed(auction)
    auction.apply(Tick(id="t", time=100))
    loser = view(auction, "bo")
    assert loser["other_bids"] == [] and loser["result"]["awards"] == []
    assert "7000" not in json.dumps(loser) and '"ann"' not in json.dumps(loser)
    winner = view(auction, "ann")
    assert winner["other_bids"] == []
    # The winner learns her own payment (in Vickrey: the second bid, which she must pay).
    assert winner["result"]["awards"][0]["payment"] == {"minor": 5500, "currency": "EUR"}
    assert view(auction, None)["result"]["awards"] == []


def test_retracted_bid_is_not_shown_and_penalty_only_to_its_owner() -> None:
    auction = sealed(
        cls=FirstPriceSealed,
        retract_before=RetractBefore.WITH_PENALTY,
        retraction_penalty=eur("1.25"),
    )
    bid_sealed(auction)
    auction.apply(Retract(id="r", time=4, bidder="cy", bid_id="c"))
    assert view(auction, "cy")["your_bids"] == []
    assert view(auction, "cy")["your_penalties"] == {"minor": 125, "currency": "EUR"}
    assert "your_penalties" not in view(auction, "bo")
    auction.apply(Tick(id="t", time=100))
    assert ids(view(auction, "bo")["other_bids"]) == ["a"]


def test_view_is_a_pure_function() -> None:
    auction = sealed()
    bid_sealed(auction)
    before = json.dumps(auction.to_json(), sort_keys=True)
    first = view(auction, "ann")
    assert view(auction, "ann") == first
    assert json.dumps(auction.to_json(), sort_keys=True) == before


# --------------------------------------------------------------------------------------------
# Open bids (English)
# --------------------------------------------------------------------------------------------
def bid_english(auction: Any) -> None:
    auction.apply(Bid(id="a", time=1, bidder="ann", amount=eur("5.00"), max_amount=eur("80.00")))
    auction.apply(Bid(id="b", time=2, bidder="bo", amount=eur("20.00"), max_amount=eur("33.00")))
    auction.apply(Bid(id="c", time=3, bidder="cy", amount=eur("40.00")))


def test_english_reveal_all_hides_proxy_maxima_from_others() -> None:
    auction = english(RevealDuring.ALL)
    bid_english(auction)
    seen = view(auction, "bo")
    assert ids(seen["other_bids"]) == ["a", "c"]
    assert all("max_amount" not in r for r in seen["other_bids"])
    assert seen["your_bids"][0]["max_amount"] == {"minor": 3300, "currency": "EUR"}
    assert "8000" not in json.dumps(seen)
    # Public status: best maxima 80.00 (Ann) and 40.00 (Cy): price min(80.00, 41.00) = 41.00,
    # next minimum 42.00.
    assert seen["price"] == {"minor": 4100, "currency": "EUR"}
    assert seen["minimum_bid"] == {"minor": 4200, "currency": "EUR"}
    assert view(auction, "ann")["your_bids"][0]["max_amount"]["minor"] == 8000


def test_english_reveal_best_shows_only_the_standing_high_bid() -> None:
    auction = english(RevealDuring.BEST)
    bid_english(auction)
    assert ids(view(auction, "bo")["other_bids"]) == ["a"]
    assert ids(view(auction, "cy")["other_bids"]) == ["a"]
    assert ids(view(auction, "ann")["other_bids"]) == []
    assert view(auction, "cy")["price"]["minor"] == 4100


@pytest.mark.parametrize(
    ("reveal_after", "bo_sees"),
    [(RevealAfter.ALL, ["a", "c"]), (RevealAfter.WINNING, ["a"]), (RevealAfter.NONE, [])],
)
def test_english_after_clearing(reveal_after: RevealAfter, bo_sees: list[str]) -> None:
    auction = english(RevealDuring.BEST, reveal_after)
    bid_english(auction)
    auction.apply(Tick(id="t", time=100))
    seen = view(auction, "bo")
    assert ids(seen["other_bids"]) == bo_sees
    assert all("max_amount" not in r for r in seen["other_bids"])
    awards = seen["result"]["awards"]
    if reveal_after is RevealAfter.NONE:
        assert awards == []  # Bo lost, and may not see who won
    else:
        assert awards[0]["bidder"] == "ann" and awards[0]["payment"]["minor"] == 4100


# --------------------------------------------------------------------------------------------
# Property: sealed bids never leak before the final clearing
# --------------------------------------------------------------------------------------------
NAMES = ["ann", "bo", "cy", "dan"]
PENALTY = 150  # distinct from every bid amount below


def walk_minor(data: Any) -> set[int]:
    found: set[int] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "minor" and isinstance(value, int):
                found.add(value)
            else:
                found |= walk_minor(value)
    elif isinstance(data, list):
        for item in data:
            found |= walk_minor(item)
    return found


RULE_CHOICES: list[dict[str, Any]] = [
    {},
    {"retract_before": RetractBefore.YES},
    {"retract_before": RetractBefore.WITH_PENALTY, "retraction_penalty": Money(PENALTY, "EUR")},
    {"tie_breaking": TieBreaking.RANDOM, "seed": 9},
    {"clear_when": ClearWhen.AFTER_IDLE, "clear_idle": 30},
    {"close_when": CloseWhen.AFTER_IDLE, "close_idle": 40},
    {"clear_when": ClearWhen.AFTER_IDLE, "clear_idle": 20, "close_when": CloseWhen.OWNER_CANCELS},
    {
        "clear_when": ClearWhen.AFTER_IDLE,
        "clear_idle": 10,
        "close_when": CloseWhen.AFTER_IDLE,
        "close_idle": 60,
    },
    {
        "retract_after": RetractAfter.DECOMMIT_WITH_PENALTY,
        "decommit_penalty": Money(PENALTY, "EUR"),
    },
]


@settings(max_examples=200, deadline=None)
@example(  # a clearing before the close would show Bo Ann's bid as his Vickrey payment
    cls=VickreyAuction,
    choice=6,
    reveal_after=RevealAfter.ALL,
    steps=[("bid", 0, 1), ("bid", 1, 1), ("tick", 0, 30)],
)
@given(
    cls=st.sampled_from([FirstPriceSealed, VickreyAuction]),
    choice=st.integers(min_value=0, max_value=len(RULE_CHOICES) - 1),
    reveal_after=st.sampled_from(list(RevealAfter)),
    steps=st.lists(
        st.tuples(
            st.sampled_from(["bid", "bid", "retract", "tick", "tick", "cancel", "decommit"]),
            st.integers(min_value=0, max_value=3),  # who
            st.integers(min_value=0, max_value=25),  # time step
        ),
        max_size=14,
    ),
)
def test_sealed_bids_never_leak_before_the_final_clearing(
    cls: type[Any],
    choice: int,
    reveal_after: RevealAfter,
    steps: list[tuple[str, int, int]],
) -> None:
    rules_kw = RULE_CHOICES[choice]
    config = SealedConfig(
        auction_id="lot-7",
        currency="EUR",
        end=150,
        participants=tuple(NAMES),
        reserve=Money(1000, "EUR"),
    )
    try:
        auction: AuctionEngine[Any, Any] = cls(
            config,
            Rules(reveal_during=RevealDuring.NONE, reveal_after=reveal_after, **rules_kw),
        )
    except InvalidRules:
        # Only combinations that would clear before the close are refused (see test_rules).
        assert rules_kw.get("clear_when") is ClearWhen.AFTER_IDLE
        assert rules_kw.get("close_when") is not None
        return
    time, n = 0, 0
    active: dict[str, tuple[str, int]] = {}  # bidder -> (bid id, amount)
    for kind, who, dt in steps:
        time += dt
        n += 1
        bidder = NAMES[who]
        event: InputEvent
        if kind == "bid":
            # Distinct amounts (1000 + 37 * n + who) and ids, so a leak would be visible.
            amount = 1000 + 37 * n + who
            event = Bid(
                id=f"bid{n}x{bidder}", time=time, bidder=bidder, amount=Money(amount, "EUR")
            )
        elif kind == "retract":
            target = active.get(bidder, ("nothing", 0))[0]
            event = Retract(id=f"e{n}", time=time, bidder=bidder, bid_id=target)
        elif kind == "tick":
            event = Tick(id=f"e{n}", time=time)
        elif kind == "cancel":
            event = Cancel(id=f"e{n}", time=time)
        else:
            event = Decommit(id=f"e{n}", time=time, bidder=bidder)
        try:
            auction.apply(event)
        except TrustmarketError:
            continue
        if isinstance(event, Bid):
            active[bidder] = (event.id, event.amount.minor)
        elif isinstance(event, Retract):
            del active[bidder]
        check_views(auction, active, reveal_after)


def check_views(
    auction: AuctionEngine[Any, Any], active: dict[str, tuple[str, int]], reveal: RevealAfter
) -> None:
    final = auction.timeline.closed and auction.timeline.final
    outcome = auction.result()
    winning = {a.bid_id for a in outcome.awards} if final and outcome is not None else set()
    for viewer in [*NAMES, None]:
        seen = view(auction, viewer)
        text = json.dumps(seen)
        mine = active.get(viewer) if viewer is not None else None
        assert ids(seen["your_bids"]) == ([mine[0]] if mine else [])
        others = {b: v for b, v in active.items() if b != viewer}
        if not final:
            assert seen["other_bids"] == []
            allowed = {mine[1]} if mine else set()
            allowed.add(PENALTY)
            assert walk_minor(seen) <= allowed, (viewer, seen)
            for bidder, (bid_id, _) in others.items():
                assert f'"{bid_id}"' not in text
                assert f'"{bidder}"' not in text
            continue
        shown = ids(seen["other_bids"])
        if reveal is RevealAfter.ALL:
            assert shown == sorted(bid_id for bid_id, _ in others.values())
        elif reveal is RevealAfter.WINNING:
            assert shown == sorted(bid_id for bid_id, _ in others.values() if bid_id in winning)
        else:
            assert shown == []
            assert all(a["bidder"] == viewer for a in seen["result"]["awards"])
        for record in seen["other_bids"]:
            assert record["amount"]["minor"] == active[record["bidder"]][1]
