"""The one validated ``Rules`` value, the combinations each engine refuses, and retraction
before / decommitment after clearing with the penalties the rules define (SPEC 3.2)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from trustmarket.auctions import (
    ClearWhen,
    CloseWhen,
    DutchAuction,
    DutchConfig,
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
)
from trustmarket.auctions.engine import AuctionEngine
from trustmarket.core.errors import (
    InvalidRules,
    NotOpen,
    RetractionNotAllowed,
    UnknownParticipant,
)
from trustmarket.core.events import (
    Accept,
    Bid,
    BidRetracted,
    Decommit,
    Decommitted,
    InputEvent,
    PriceChanged,
    Retract,
    Tick,
)
from trustmarket.core.money import Money


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def snapshot(engine: AuctionEngine[Any, Any]) -> str:
    return json.dumps(engine.to_json(), sort_keys=True)


def rejects(engine: AuctionEngine[Any, Any], event: InputEvent, error: type[Exception]) -> str:
    """Apply ``event``, expect ``error``, check nothing changed; return the message."""
    before = snapshot(engine)
    with pytest.raises(error) as info:
        engine.apply(event)
    assert snapshot(engine) == before
    return str(info.value)


def english(rules: Rules | None = None, **kw: Any) -> EnglishAuction:
    cfg: dict[str, Any] = {
        "auction_id": "eng",
        "currency": "EUR",
        "end": 100,
        "increment": eur("1.00"),
        "participants": ("ann", "bo", "cy"),
    }
    cfg.update(kw)
    return EnglishAuction(EnglishConfig(**cfg), rules)


def sealed(rules: Rules | None = None, cls: type[Any] = VickreyAuction, **kw: Any) -> Any:
    cfg: dict[str, Any] = {
        "auction_id": "seal",
        "currency": "EUR",
        "end": 100,
        "participants": ("ann", "bo", "cy"),
    }
    cfg.update(kw)
    base = rules or Rules()
    return cls(SealedConfig(**cfg), dataclasses.replace(base, reveal_during=RevealDuring.NONE))


def dutch(rules: Rules | None = None) -> DutchAuction:
    return DutchAuction(
        DutchConfig(
            auction_id="dutch",
            currency="EUR",
            participants=("ann", "bo"),
            start_price=eur("10.00"),
            decrement=eur("1.00"),
            floor=eur("5.00"),
            tick_seconds=10,
        ),
        rules,
    )


# --------------------------------------------------------------------------------------------
# The Rules value
# --------------------------------------------------------------------------------------------
def test_defaults_are_the_documented_common_auction() -> None:
    rules = Rules()
    assert rules.exact_match is True
    assert rules.tie_breaking is TieBreaking.EARLIER
    assert rules.clear_when is ClearWhen.AT_TIME
    assert rules.close_when is CloseWhen.ON_CLEAR
    assert rules.retract_before is RetractBefore.NO
    assert rules.retract_after is RetractAfter.NO
    assert rules.reveal_during is RevealDuring.ALL
    assert rules.reveal_after is RevealAfter.ALL
    assert rules.seed is None
    assert rules.retraction_penalty is None and rules.decommit_penalty is None


def test_rules_are_frozen() -> None:
    rules = Rules()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.tie_breaking = TieBreaking.LATER  # type: ignore[misc]


def test_a_full_valid_combination_is_accepted() -> None:
    rules = Rules(
        exact_match=False,
        tie_breaking=TieBreaking.RANDOM,
        seed=7,
        clear_when=ClearWhen.PERIODIC,
        clear_period=30,
        close_when=CloseWhen.AFTER_IDLE,
        close_idle=60,
        retract_before=RetractBefore.WITH_PENALTY,
        retraction_penalty=eur("2.00"),
        retract_after=RetractAfter.DECOMMIT_WITH_PENALTY,
        decommit_penalty=eur("5.00"),
        reveal_during=RevealDuring.BEST,
        reveal_after=RevealAfter.WINNING,
    )
    assert rules.clear_period == 30 and rules.close_idle == 60
    assert rules.retraction_penalty == eur("2.00")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"tie_breaking": "earlier"}, "tie_breaking"),
        ({"clear_when": "every_bid"}, "clear_when"),
        ({"close_when": None}, "close_when"),
        ({"retract_before": True}, "retract_before"),
        ({"retract_after": "no"}, "retract_after"),
        ({"reveal_during": "none"}, "reveal_during"),
        ({"reveal_after": 0}, "reveal_after"),
        ({"exact_match": 1}, "exact_match"),
        ({"tie_breaking": TieBreaking.RANDOM}, "seed"),
        ({"tie_breaking": TieBreaking.RANDOM, "seed": -1}, "seed"),
        ({"tie_breaking": TieBreaking.RANDOM, "seed": "42"}, "seed"),
        ({"seed": -5}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"clear_when": ClearWhen.PERIODIC}, "clear_period"),
        ({"clear_when": ClearWhen.PERIODIC, "clear_period": 0}, "clear_period"),
        ({"clear_when": ClearWhen.PERIODIC, "clear_period": -3}, "clear_period"),
        ({"clear_when": ClearWhen.PERIODIC, "clear_period": True}, "clear_period"),
        ({"clear_when": ClearWhen.PERIODIC, "clear_period": 2.5}, "clear_period"),
        ({"clear_period": 10}, "clear_period"),
        ({"clear_when": ClearWhen.AFTER_IDLE}, "clear_idle"),
        ({"clear_when": ClearWhen.AFTER_IDLE, "clear_idle": 0}, "clear_idle"),
        ({"clear_idle": 10}, "clear_idle"),
        ({"close_when": CloseWhen.AFTER_IDLE}, "close_idle"),
        ({"close_when": CloseWhen.AFTER_IDLE, "close_idle": -1}, "close_idle"),
        ({"close_idle": 10}, "close_idle"),
        ({"retract_before": RetractBefore.WITH_PENALTY}, "retraction_penalty"),
        (
            {"retract_before": RetractBefore.WITH_PENALTY, "retraction_penalty": eur("0.00")},
            "retraction_penalty",
        ),
        (
            {"retract_before": RetractBefore.WITH_PENALTY, "retraction_penalty": eur("-1.00")},
            "retraction_penalty",
        ),
        (
            {"retract_before": RetractBefore.WITH_PENALTY, "retraction_penalty": "2.00"},
            "retraction_penalty",
        ),
        ({"retraction_penalty": eur("1.00")}, "retraction_penalty"),
        (
            {"retract_before": RetractBefore.YES, "retraction_penalty": eur("1.00")},
            "retraction_penalty",
        ),
        ({"retract_after": RetractAfter.DECOMMIT_WITH_PENALTY}, "decommit_penalty"),
        (
            {"retract_after": RetractAfter.DECOMMIT_WITH_PENALTY, "decommit_penalty": eur("0")},
            "decommit_penalty",
        ),
        ({"decommit_penalty": eur("1.00")}, "decommit_penalty"),
    ],
)
def test_invalid_rules_are_refused_with_a_message(kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(InvalidRules) as info:
        Rules(**kwargs)
    assert needle in str(info.value)


def test_every_bid_with_on_clear_is_refused_by_every_engine() -> None:
    rules = Rules(clear_when=ClearWhen.EVERY_BID, close_when=CloseWhen.ON_CLEAR)
    for build in (
        lambda: english(rules),
        lambda: sealed(rules),
        lambda: sealed(rules, cls=FirstPriceSealed),
        lambda: dutch(rules),
    ):
        with pytest.raises(InvalidRules):
            build()
    with pytest.raises(InvalidRules) as info:
        english(rules)
    assert "every_bid" in str(info.value) and "on_clear" in str(info.value)


def test_every_bid_with_another_close_is_accepted_by_english() -> None:
    rules = Rules(clear_when=ClearWhen.EVERY_BID, close_when=CloseWhen.OWNER_CANCELS)
    auction = english(rules)
    out = auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("3.00")))
    cleared = [e for e in out if e.kind == "cleared"]
    assert len(cleared) == 1 and cleared[0].final is False  # type: ignore[attr-defined]


def test_at_time_needs_an_end() -> None:
    with pytest.raises(InvalidRules) as info:
        english(Rules(close_when=CloseWhen.AFTER_IDLE, close_idle=10), end=None)
    assert "end" in str(info.value)
    with pytest.raises(InvalidRules) as info:
        english(Rules(), end=None)
    assert "never close" in str(info.value)


@pytest.mark.parametrize(
    "rules",
    [
        Rules(reveal_during=RevealDuring.NONE),
        Rules(clear_when=ClearWhen.PERIODIC, clear_period=10),
    ],
)
def test_english_refuses(rules: Rules) -> None:
    with pytest.raises(InvalidRules):
        english(rules)


@pytest.mark.parametrize("reveal", [RevealDuring.ALL, RevealDuring.BEST])
@pytest.mark.parametrize("cls", [VickreyAuction, FirstPriceSealed])
def test_sealed_refuses_any_revelation_while_bidding(cls: type[Any], reveal: RevealDuring) -> None:
    with pytest.raises(InvalidRules) as info:
        cls(SealedConfig(auction_id="s", currency="EUR", end=10), Rules(reveal_during=reveal))
    assert "reveal_during" in str(info.value)


@pytest.mark.parametrize(
    "rules",
    [
        Rules(clear_when=ClearWhen.PERIODIC, clear_period=10),
        Rules(clear_when=ClearWhen.EVERY_BID, close_when=CloseWhen.OWNER_CANCELS),
        # A clearing before the close would show the provisional winner her payment, which in
        # Vickrey is another bidder's sealed bid.
        Rules(
            clear_when=ClearWhen.AFTER_IDLE,
            clear_idle=5,
            close_when=CloseWhen.OWNER_CANCELS,
        ),
        Rules(
            clear_when=ClearWhen.AFTER_IDLE,
            clear_idle=5,
            close_when=CloseWhen.AFTER_IDLE,
            close_idle=50,
        ),
    ],
)
def test_sealed_refuses_clearing_before_the_close(rules: Rules) -> None:
    with pytest.raises(InvalidRules):
        sealed(rules)


def test_sealed_accepts_clearing_after_idle_when_that_closes() -> None:
    auction = sealed(Rules(clear_when=ClearWhen.AFTER_IDLE, clear_idle=5), end=None)
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("4.00")))
    out = auction.apply(Tick(id="t", time=6))
    assert [e.kind for e in out] == ["cleared", "closed"]
    assert out[0].final is True  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "rules",
    [
        Rules(clear_when=ClearWhen.AFTER_IDLE, clear_idle=5),
        Rules(close_when=CloseWhen.OWNER_CANCELS),
        Rules(retract_before=RetractBefore.YES),
        Rules(retract_before=RetractBefore.WITH_PENALTY, retraction_penalty=eur("1.00")),
    ],
)
def test_dutch_refuses(rules: Rules) -> None:
    with pytest.raises(InvalidRules):
        dutch(rules)


def test_penalty_in_another_currency_is_refused_by_the_engine() -> None:
    rules = Rules(
        retract_before=RetractBefore.WITH_PENALTY, retraction_penalty=Money.parse("1", "USD")
    )
    with pytest.raises(InvalidRules) as info:
        english(rules)
    assert "USD" in str(info.value) and "EUR" in str(info.value)


def test_engine_takes_only_a_rules_value() -> None:
    with pytest.raises(InvalidRules):
        english({"tie_breaking": "earlier"})  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Retraction before clearing
# --------------------------------------------------------------------------------------------
def test_retraction_refused_when_rules_say_no() -> None:
    auction = english()
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("5.00")))
    message = rejects(
        auction, Retract(id="r1", time=2, bidder="ann", bid_id="b1"), RetractionNotAllowed
    )
    assert "retract_before" in message


def test_retraction_yes_removes_the_bid_without_penalty() -> None:
    auction = sealed(Rules(retract_before=RetractBefore.YES))
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    auction.apply(Bid(id="b2", time=2, bidder="bo", amount=eur("30.00")))
    out = auction.apply(Retract(id="r1", time=3, bidder="ann", bid_id="b1"))
    assert out == [BidRetracted(cause="r1", time=3, bid_id="b1", bidder="ann", penalty=eur("0.00"))]
    assert auction.timeline.penalties == {}
    # Ann may bid again: one bid per bidder counts only active bids.
    auction.apply(Bid(id="b3", time=4, bidder="ann", amount=eur("20.00")))
    auction.apply(Tick(id="t", time=100))
    award = auction.result().awards[0]
    assert (award.bidder, award.payment) == ("bo", eur("20.00"))


def test_retraction_with_penalty_charges_each_time() -> None:
    rules = Rules(retract_before=RetractBefore.WITH_PENALTY, retraction_penalty=eur("2.50"))
    auction = sealed(rules, cls=FirstPriceSealed)
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    out = auction.apply(Retract(id="r1", time=2, bidder="ann", bid_id="b1"))
    assert out[0].penalty == eur("2.50")  # type: ignore[attr-defined]
    auction.apply(Bid(id="b2", time=3, bidder="ann", amount=eur("40.00")))
    auction.apply(Retract(id="r2", time=4, bidder="ann", bid_id="b2"))
    assert auction.timeline.penalties == {"ann": eur("5.00")}
    auction.apply(Tick(id="t", time=100))
    assert auction.result().awards == ()


def test_retraction_of_someone_elses_or_unknown_bid_is_refused() -> None:
    auction = sealed(Rules(retract_before=RetractBefore.YES))
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    rejects(auction, Retract(id="r1", time=2, bidder="bo", bid_id="b1"), RetractionNotAllowed)
    rejects(auction, Retract(id="r2", time=2, bidder="ann", bid_id="zz"), RetractionNotAllowed)
    rejects(auction, Retract(id="r3", time=2, bidder="dan", bid_id="b1"), UnknownParticipant)


def test_retraction_after_the_close_is_refused() -> None:
    auction = sealed(Rules(retract_before=RetractBefore.YES))
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    auction.apply(Tick(id="t", time=100))
    message = rejects(auction, Retract(id="r1", time=101, bidder="ann", bid_id="b1"), NotOpen)
    assert "decommit" in message


def test_english_retraction_recomputes_the_price_and_reports_it() -> None:
    auction = english(Rules(retract_before=RetractBefore.YES))
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("10.00")))
    auction.apply(Bid(id="b2", time=2, bidder="bo", amount=eur("20.00")))
    assert auction.state.leader == "bo"
    out = auction.apply(Retract(id="r1", time=3, bidder="bo", bid_id="b2"))
    # Ann is alone again: the price falls back to her own stated amount.
    assert auction.state.leader == "ann" and auction.standing_price() == eur("10.00")
    assert out[0].kind == "bid_retracted"
    assert out[1:] == [PriceChanged(cause="r1", time=3, price=eur("10.00"), leader="ann")]


# --------------------------------------------------------------------------------------------
# Decommitment after clearing
# --------------------------------------------------------------------------------------------
DECOMMIT = Rules(retract_after=RetractAfter.DECOMMIT_WITH_PENALTY, decommit_penalty=eur("7.00"))


def test_decommit_after_final_clearing_records_the_penalty() -> None:
    auction = sealed(DECOMMIT)
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    auction.apply(Bid(id="b2", time=2, bidder="bo", amount=eur("30.00")))
    auction.apply(Tick(id="t", time=100))
    out = auction.apply(Decommit(id="d1", time=101, bidder="ann"))
    assert out == [Decommitted(cause="d1", time=101, bidder="ann", penalty=eur("7.00"))]
    assert auction.timeline.penalties == {"ann": eur("7.00")}
    assert auction.timeline.decommitted == {"ann"}
    # Twice is refused; a loser has nothing to decommit.
    rejects(auction, Decommit(id="d2", time=102, bidder="ann"), RetractionNotAllowed)
    rejects(auction, Decommit(id="d3", time=102, bidder="bo"), RetractionNotAllowed)


def test_decommit_before_clearing_is_refused() -> None:
    auction = sealed(DECOMMIT)
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    message = rejects(auction, Decommit(id="d1", time=2, bidder="ann"), RetractionNotAllowed)
    assert "after the final clearing" in message


def test_decommit_refused_when_rules_say_no() -> None:
    auction = sealed(Rules())
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    auction.apply(Tick(id="t", time=100))
    message = rejects(auction, Decommit(id="d1", time=101, bidder="ann"), RetractionNotAllowed)
    assert "retract_after" in message


def test_decommit_after_a_cancel_is_refused() -> None:
    from trustmarket.core.events import Cancel

    auction = sealed(DECOMMIT)
    auction.apply(Bid(id="b1", time=1, bidder="ann", amount=eur("50.00")))
    auction.apply(Cancel(id="c", time=2))
    assert auction.timeline.closed and auction.result() is None
    rejects(auction, Decommit(id="d1", time=3, bidder="ann"), RetractionNotAllowed)


def test_dutch_winner_may_decommit_for_the_penalty() -> None:
    auction = dutch(DECOMMIT)
    auction.apply(Accept(id="a1", time=15, bidder="bo"))
    out = auction.apply(Decommit(id="d1", time=16, bidder="bo"))
    assert out[0].kind == "decommitted"
    assert auction.timeline.penalties == {"bo": eur("7.00")}


def test_dutch_has_nothing_to_retract() -> None:
    auction = dutch()
    rejects(auction, Retract(id="r", time=1, bidder="ann", bid_id="x"), RetractionNotAllowed)
