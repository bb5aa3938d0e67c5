"""The event-sourced auction engine every mechanism shares (SPEC section 1 and 3.2).

An engine is a state machine. :meth:`AuctionEngine.apply` takes one input event and returns the
output events it caused; a rejected event raises a
:class:`~trustmarket.core.errors.RejectedEvent` and leaves the state exactly as it was, because
every check runs before the first change. :meth:`AuctionEngine.replay` rebuilds an auction from
its input events, and :meth:`AuctionEngine.to_json` / :func:`engine_from_json` move the whole
state to JSON and back.

This module handles what every mechanism has in common: registration, event ids and order, the
bidding window, soft close, clearing and closing on the schedule of the :class:`Rules`,
retraction and decommitment with penalties. A mechanism adds its bid handling and its clearing.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

from trustmarket.auctions.rules import (
    ClearWhen,
    CloseWhen,
    RetractAfter,
    RetractBefore,
    Rules,
    TieBreaking,
)
from trustmarket.core.errors import (
    DuplicateEvent,
    DuplicateParticipant,
    InvalidRules,
    NotOpen,
    OutOfOrder,
    RetractionNotAllowed,
    UnknownParticipant,
    UnsupportedEvent,
)
from trustmarket.core.events import (
    BidRetracted,
    Cancel,
    Cleared,
    Closed,
    CloseExtended,
    Decommit,
    Decommitted,
    InputEvent,
    Outcome,
    OutputEvent,
    Register,
    Registered,
    Retract,
    Tick,
    check_time,
)
from trustmarket.core.ids import check_id
from trustmarket.core.money import Money, check_currency
from trustmarket.core.serialization import from_jsonable, to_jsonable


@dataclass(frozen=True, kw_only=True)
class SoftClose:
    """Soft close: an accepted bid in the last ``window`` seconds moves the end by ``extension``
    seconds, at most ``max_extensions`` times."""

    window: int
    extension: int
    max_extensions: int

    def __post_init__(self) -> None:
        for name in ("window", "extension", "max_extensions"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidRules(f"soft close {name} must be a positive int, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class AuctionConfig:
    """What every auction is configured with: its id, currency, opening and (optional) end time,
    and participants registered from the start."""

    auction_id: str
    currency: str
    start: int = 0
    end: int | None = None
    participants: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_id(self.auction_id, "auction id")
        try:
            check_currency(self.currency)
        except Exception as exc:
            raise InvalidRules(str(exc)) from exc
        check_time(self.start, "start")
        if self.end is not None:
            check_time(self.end, "end")
            if self.end <= self.start:
                raise InvalidRules(f"end ({self.end}) must be after start ({self.start})")
        if not isinstance(self.participants, tuple):
            raise InvalidRules("participants must be a tuple of ids")
        for name in self.participants:
            check_id(name, "participant")
        if len(set(self.participants)) != len(self.participants):
            raise InvalidRules("participants must not repeat")

    def money(self, value: object, what: str) -> Money:
        """Check that ``value`` is Money in this auction's currency."""
        if not isinstance(value, Money):
            raise InvalidRules(f"{what} must be Money in {self.currency}, got {value!r}")
        if value.currency != self.currency:
            raise InvalidRules(
                f"{what} is in {value.currency}; the auction trades in {self.currency}"
            )
        return value


@dataclass(frozen=True)
class MechanismInfo:
    """Machine-readable properties of a mechanism; docs and the advisor are generated from them."""

    name: str
    title: str
    sides: str
    goods: str
    bid_type: str
    pricing: str
    incentive_compatible: bool
    sealed: bool
    reference: str


@dataclass(kw_only=True)
class Timeline:
    """State every engine keeps besides its bids."""

    registered: dict[str, int]
    event_ids: set[str]
    last_time: int
    last_activity: int
    end: int | None
    next_clear: int | None
    extensions: int = 0
    pending: bool = False
    seq: int = 0
    closed: bool = False
    close_reason: str | None = None
    outcome: Outcome | None = None
    final: bool = False
    penalties: dict[str, Money] = field(default_factory=dict)
    decommitted: set[str] = field(default_factory=set)


C = TypeVar("C", bound=AuctionConfig)
S = TypeVar("S")


def tie_key(rules: Rules, seq: int, bid_id: str) -> int:
    """Rank of a bid among equals: the smaller key wins a tie.

    Earlier bid wins: the sequence number; later bid wins: its negative; random: a keyed hash
    of the seed and the bid id, so the draw is reproducible from the seed and independent of
    the order in which bids are compared.
    """
    if rules.tie_breaking is TieBreaking.EARLIER:
        return seq
    if rules.tie_breaking is TieBreaking.LATER:
        return -seq
    digest = hashlib.blake2b(f"{rules.seed}:{bid_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class AuctionEngine(ABC, Generic[C, S]):
    """Base of every auction mechanism: an event-sourced state machine."""

    info: ClassVar[MechanismInfo]
    config_type: ClassVar[type[AuctionConfig]]
    state_type: ClassVar[type[Any]]

    def __init__(self, config: C, rules: Rules | None = None) -> None:
        rules = Rules() if rules is None else rules
        if not isinstance(config, self.config_type):
            raise InvalidRules(
                f"{self.info.title} needs a {self.config_type.__name__}, "
                f"got {type(config).__name__}"
            )
        if not isinstance(rules, Rules):
            raise InvalidRules(f"rules must be a Rules value, got {type(rules).__name__}")
        rules.check_currency(config.currency)
        self._check_schedule(config, rules)
        self.check_rules(config, rules)
        self.config: C = config
        self.rules = rules
        # Facts the mechanisms' per-bid paths consult (bench/auctions.py): bidding closes at the
        # (possibly extended) end time, so the open check is one comparison; and a bid's
        # tie-breaking rank is its sequence number.
        self._closes_at_end = (
            rules.close_when is CloseWhen.ON_CLEAR and rules.clear_when is ClearWhen.AT_TIME
        )
        self._rank_is_seq = rules.tie_breaking is TieBreaking.EARLIER
        self.timeline = Timeline(
            registered={name: i for i, name in enumerate(config.participants)},
            event_ids=set(),
            last_time=config.start,
            last_activity=config.start,
            end=config.end,
            next_clear=(
                config.start + rules.clear_period
                if rules.clear_when is ClearWhen.PERIODIC and rules.clear_period is not None
                else None
            ),
        )
        self.state: S = self.initial_state()
        self._handlers = self._build_handlers()

    # -- what a mechanism provides ----------------------------------------------------------
    @classmethod
    def check_rules(cls, config: C, rules: Rules) -> None:
        """Refuse rule combinations this mechanism cannot honour (raise InvalidRules)."""

    @abstractmethod
    def initial_state(self) -> S:
        """The mechanism's own state before any event."""

    @abstractmethod
    def bid_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        """Handlers for the mechanism's bid events (Bid, UnitsBid, Order, Accept)."""

    @abstractmethod
    def clear(self, time: int, final: bool) -> Outcome:
        """Determine winners and payments now; ``final`` marks the binding clearing."""

    @abstractmethod
    def retract_bid(self, event: Retract) -> list[OutputEvent] | None:
        """Check and remove the bid ``event.bid_id``; raise RetractionNotAllowed if impossible.

        May return output events the removal caused (e.g. an English price change)."""

    @abstractmethod
    def bid_records(self) -> list[dict[str, Any]]:
        """Every active bid as a JSON record with at least ``bid_id``, ``bidder``, ``time``."""

    @abstractmethod
    def best_bid_ids(self) -> set[str]:
        """Ids of the bids a 'best bids' view may show (e.g. the standing high bid)."""

    def public_status(self) -> dict[str, Any]:
        """Mechanism facts everyone may see (e.g. an English standing price); none by default."""
        return {}

    def result(self) -> Outcome | None:
        """The latest clearing's outcome (the final one once closed)."""
        return self.timeline.outcome

    # -- the event loop ----------------------------------------------------------------------
    def _build_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        handlers: dict[type[InputEvent], Callable[[Any], list[OutputEvent]]] = {
            Register: self._on_register,
            Tick: self._on_tick,
            Cancel: self._on_cancel,
            Retract: self._on_retract,
            Decommit: self._on_decommit,
        }
        handlers.update(self.bid_handlers())
        return handlers

    def apply(self, event: InputEvent) -> list[OutputEvent]:
        """Apply one input event; return the output events it caused.

        Raises a :class:`~trustmarket.core.errors.RejectedEvent` subclass, with the state
        unchanged, if the event is not acceptable now.
        """
        handler = self._handlers.get(type(event))
        if handler is None:
            allowed = ", ".join(sorted(cls.kind for cls in self._handlers))
            raise UnsupportedEvent(
                f"{self.info.title} does not take {getattr(event, 'kind', type(event).__name__)!r}"
                f" events; allowed: {allowed}"
            )
        tl = self.timeline
        if event.id in tl.event_ids:
            raise DuplicateEvent(f"event id {event.id!r} was already applied; ids must be unique")
        # Before the first event ``last_time`` is the opening time; an early event is then
        # not out of order but before the opening, which the handlers refuse with NotOpen.
        if tl.event_ids and event.time < tl.last_time:
            raise OutOfOrder(
                f"event {event.id!r} at time {event.time} is earlier than the last event "
                f"(time {tl.last_time}); events must come in time order"
            )
        if tl.closed and type(event) is not Decommit:
            raise NotOpen(
                f"auction {self.config.auction_id!r} is closed ({tl.close_reason}); "
                "only decommitments are accepted after the close"
            )
        out = handler(event)
        tl.event_ids.add(event.id)
        tl.last_time = event.time
        return out

    @classmethod
    def replay(cls, config: C, rules: Rules | None, events: Iterable[InputEvent]) -> Self:
        """Rebuild an auction by applying its stored input events in order."""
        engine = cls(config, rules)
        for event in events:
            engine.apply(event)
        return engine

    # -- shared checks -----------------------------------------------------------------------
    @staticmethod
    def _check_schedule(config: AuctionConfig, rules: Rules) -> None:
        closes_by_itself = (
            config.end is not None
            or rules.close_when in (CloseWhen.AFTER_IDLE, CloseWhen.OWNER_CANCELS)
            or rules.clear_when is not ClearWhen.AT_TIME
        )
        if not closes_by_itself:
            raise InvalidRules(
                "this auction would never close: give an end time, or close after idle time, "
                "or by the owner, or clear on a schedule other than 'at_time'"
            )
        if rules.clear_when is ClearWhen.EVERY_BID and rules.close_when is CloseWhen.ON_CLEAR:
            raise InvalidRules(
                "clear_when='every_bid' with close_when='on_clear' would close at the first bid: "
                "close after idle time, by the owner, or at the end time instead"
            )
        if rules.clear_when is ClearWhen.AT_TIME and config.end is None:
            raise InvalidRules("clear_when='at_time' clears at the end time: give an end time")

    def closing_time(self) -> int | None:
        """When bidding closes, given the state now (None: only the owner can close it)."""
        tl, rules = self.timeline, self.rules
        if self._closes_at_end:
            return tl.end  # the common case, on every bid: skip the general computation
        candidates = [] if tl.end is None else [tl.end]
        if rules.close_when is CloseWhen.AFTER_IDLE and rules.close_idle is not None:
            candidates.append(tl.last_activity + rules.close_idle)
        elif rules.close_when is CloseWhen.ON_CLEAR:
            due = self.next_clearing_time()
            if due is not None:
                candidates.append(due)
        return min(candidates) if candidates else None

    def next_clearing_time(self) -> int | None:
        """When the next scheduled clearing is due (None: on bids only, or at close)."""
        tl, rules = self.timeline, self.rules
        if rules.clear_when is ClearWhen.AT_TIME:
            return tl.end
        if rules.clear_when is ClearWhen.PERIODIC:
            return tl.next_clear
        if rules.clear_when is ClearWhen.AFTER_IDLE and rules.clear_idle is not None:
            return tl.last_activity + rules.clear_idle if tl.pending else None
        return None

    def require_registered(self, bidder: str) -> None:
        if bidder not in self.timeline.registered:
            raise UnknownParticipant(
                f"{bidder!r} is not registered in auction {self.config.auction_id!r}; "
                "register first"
            )

    def require_open(self, time: int) -> None:
        """Bids and retractions are taken from the start up to (not including) the close."""
        if time < self.config.start:
            raise NotOpen(f"bidding opens at time {self.config.start}; this event is at {time}")
        closing = self.closing_time()
        if closing is not None and time >= closing:
            raise NotOpen(
                f"bidding closed at time {closing}; this event is at {time} "
                "(a tick at or after that time closes the auction)"
            )

    def check_money(self, amount: Money, what: str = "amount") -> None:
        """Amounts must be in the auction's currency."""
        if amount.currency != self.config.currency:
            from trustmarket.core.errors import CurrencyError

            raise CurrencyError(
                f"{what} {amount} is in {amount.currency}; "
                f"auction {self.config.auction_id!r} trades in {self.config.currency}"
            )

    def next_seq(self) -> int:
        self.timeline.seq += 1
        return self.timeline.seq

    # -- after a bid was accepted ------------------------------------------------------------
    def bid_accepted(self, event: InputEvent) -> list[OutputEvent]:
        """Bookkeeping after a mechanism accepted a bid: idle timers, soft close, clearing."""
        tl = self.timeline
        tl.last_activity = event.time
        tl.pending = True
        out: list[OutputEvent] = []
        soft: SoftClose | None = getattr(self.config, "soft_close", None)
        if (
            soft is not None
            and tl.end is not None
            and event.time >= tl.end - soft.window
            and tl.extensions < soft.max_extensions
        ):
            tl.end += soft.extension
            tl.extensions += 1
            out.append(
                CloseExtended(
                    cause=event.id, time=event.time, new_end=tl.end, extensions=tl.extensions
                )
            )
        if self.rules.clear_when is ClearWhen.EVERY_BID:
            out.append(self._clearing(event, final=False))
        return out

    def _clearing(self, event: InputEvent, final: bool) -> Cleared:
        outcome = self.clear(event.time, final)
        tl = self.timeline
        tl.outcome, tl.final, tl.pending = outcome, final, False
        return Cleared(cause=event.id, time=event.time, outcome=outcome, final=final)

    def close_now(self, event: InputEvent, reason: str, *, clear: bool = True) -> list[OutputEvent]:
        """Close the auction, with a final clearing unless ``clear`` is false."""
        out: list[OutputEvent] = []
        if clear:
            out.append(self._clearing(event, final=True))
        tl = self.timeline
        tl.closed, tl.close_reason = True, reason
        out.append(Closed(cause=event.id, time=event.time, reason=reason))
        return out

    # -- shared handlers ---------------------------------------------------------------------
    def _on_register(self, event: Register) -> list[OutputEvent]:
        if event.bidder in self.timeline.registered:
            raise DuplicateParticipant(
                f"{event.bidder!r} is already registered in auction {self.config.auction_id!r}"
            )
        closing = self.closing_time()
        if closing is not None and event.time >= closing:
            raise NotOpen(f"registration closed at time {closing}")
        self.timeline.registered[event.bidder] = len(self.timeline.registered)
        return [Registered(cause=event.id, time=event.time, bidder=event.bidder)]

    def _on_tick(self, event: Tick) -> list[OutputEvent]:
        tl, t = self.timeline, event.time
        out: list[OutputEvent] = self.on_tick(event)
        if tl.closed:
            return out
        closing = self.closing_time()
        due = self.next_clearing_time()
        if due is not None and t >= due and (closing is None or due < closing):
            out.append(self._clearing(event, final=False))
            if self.rules.clear_period is not None and tl.next_clear is not None:
                periods = (t - tl.next_clear) // self.rules.clear_period + 1
                tl.next_clear += periods * self.rules.clear_period
            closing = self.closing_time()
        if closing is not None and t >= closing:
            if tl.end is not None and closing == tl.end:
                reason = "end"
            elif self.rules.close_when is CloseWhen.AFTER_IDLE:
                reason = "idle"
            else:
                reason = "cleared"
            out.extend(self.close_now(event, reason))
        return out

    def on_tick(self, event: Tick) -> list[OutputEvent]:
        """Mechanism hook run first on every tick (the Dutch clock moves here)."""
        return []

    def _on_cancel(self, event: Cancel) -> list[OutputEvent]:
        if self.rules.close_when is CloseWhen.OWNER_CANCELS:
            return self.close_now(event, "owner_closed")
        return self.close_now(event, "cancelled", clear=False)

    def _on_retract(self, event: Retract) -> list[OutputEvent]:
        rules = self.rules
        if rules.retract_before is RetractBefore.NO:
            raise RetractionNotAllowed(
                "the rules do not allow retracting bids before clearing "
                "(retract_before='no'; allowed settings: 'no', 'yes', 'with_penalty')"
            )
        self.require_registered(event.bidder)
        self.require_open(event.time)
        caused = self.retract_bid(event)
        penalty = rules.retraction_penalty or Money.zero(self.config.currency)
        self._charge(event.bidder, penalty)
        self.timeline.last_activity = event.time
        out: list[OutputEvent] = [
            BidRetracted(
                cause=event.id,
                time=event.time,
                bid_id=event.bid_id,
                bidder=event.bidder,
                penalty=penalty,
            )
        ]
        out.extend(caused or ())
        return out

    def _on_decommit(self, event: Decommit) -> list[OutputEvent]:
        tl, rules = self.timeline, self.rules
        if not (tl.closed and tl.final):
            raise RetractionNotAllowed(
                "decommitment is only possible after the final clearing; "
                "before it, retract the bid (if the rules allow)"
            )
        if rules.retract_after is RetractAfter.NO or rules.decommit_penalty is None:
            raise RetractionNotAllowed(
                "the rules do not allow retraction after clearing "
                "(retract_after='no'; allowed settings: 'no', 'decommit_with_penalty')"
            )
        winners = self.winners()
        if event.bidder not in winners:
            raise RetractionNotAllowed(f"{event.bidder!r} won nothing, so has nothing to decommit")
        if event.bidder in tl.decommitted:
            raise RetractionNotAllowed(f"{event.bidder!r} has already decommitted")
        tl.decommitted.add(event.bidder)
        self._charge(event.bidder, rules.decommit_penalty)
        return [
            Decommitted(
                cause=event.id, time=event.time, bidder=event.bidder, penalty=rules.decommit_penalty
            )
        ]

    def winners(self) -> set[str]:
        """Everyone who won something in the latest clearing."""
        outcome = self.timeline.outcome
        if outcome is None:
            return set()
        names = {award.bidder for award in outcome.awards}
        for trade in outcome.trades:
            names.update((trade.buyer, trade.seller))
        return names

    def _charge(self, bidder: str, penalty: Money) -> None:
        if penalty.minor:
            owed = self.timeline.penalties.get(bidder, Money.zero(self.config.currency))
            self.timeline.penalties[bidder] = owed + penalty

    # -- serialisation -----------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The whole auction (config, rules, shared and mechanism state) as JSON data."""
        return {
            "mechanism": self.info.name,
            "config": to_jsonable(self.config),
            "rules": to_jsonable(self.rules),
            "timeline": to_jsonable(self.timeline),
            "state": to_jsonable(self.state),
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Self:
        """Rebuild an engine of this class from :meth:`to_json` output."""
        config = from_jsonable(cls.config_type, data.get("config"), "config")
        rules = from_jsonable(Rules, data.get("rules"), "rules")
        engine = cls(config, rules)
        engine.timeline = from_jsonable(Timeline, data.get("timeline"), "timeline")
        engine.state = from_jsonable(cls.state_type, data.get("state"), "state")
        return engine
