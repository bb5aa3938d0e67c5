"""The rules every auction carries (SPEC 3.2; eMediator section 2.3, the parameter list).

One validated, frozen :class:`Rules` value holds: exact matching for multi-unit bids, tie-breaking,
when to clear, when to close, bid retraction before and after clearing (with penalties) and what
bidders see while bidding and after clearing. Each mechanism additionally checks the combination
against what it can honour (``check_rules`` of each engine), e.g. a sealed-bid auction refuses
any revelation while bidding.

How the timeline works, for every engine:

* Bidding closes at the earliest of the auction's ``end`` time (moved by soft-close extensions),
  ``close_idle`` seconds after the last accepted bid (``close_when=AFTER_IDLE``), or the first
  clearing (``close_when=ON_CLEAR``); with ``close_when=OWNER_CANCELS`` it runs until a
  :class:`~trustmarket.core.events.Cancel`. The clearing at the close is final.
* Clearings before the close (``EVERY_BID``, ``PERIODIC``, ``AFTER_IDLE``) are provisional in
  single-sided auctions (they announce the current winners) and execute trades in double auctions.
* Time-driven transitions happen on :class:`~trustmarket.core.events.Tick` events only, so a late
  bid is rejected without side effects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from trustmarket.core.errors import InvalidInput, InvalidRules
from trustmarket.core.money import Money
from trustmarket.core.randomness import check_seed


class TieBreaking(enum.Enum):
    """Which of two equal bids wins: the earlier, the later, or a seeded random draw."""

    EARLIER = "earlier"
    LATER = "later"
    RANDOM = "random"


class ClearWhen(enum.Enum):
    """When winners are determined (eMediator: at a time, on every bid, periodically, idle)."""

    AT_TIME = "at_time"
    EVERY_BID = "every_bid"
    PERIODIC = "periodic"
    AFTER_IDLE = "after_idle"


class CloseWhen(enum.Enum):
    """When the auction closes for good (eMediator: on clearing, idle, owner cancels)."""

    ON_CLEAR = "on_clear"
    AFTER_IDLE = "after_idle"
    OWNER_CANCELS = "owner_cancels"


class RetractBefore(enum.Enum):
    """Bid retraction before the final clearing."""

    NO = "no"
    YES = "yes"
    WITH_PENALTY = "with_penalty"


class RetractAfter(enum.Enum):
    """Retraction after the final clearing: refused, or decommitment for a penalty."""

    NO = "no"
    DECOMMIT_WITH_PENALTY = "decommit_with_penalty"


class RevealDuring(enum.Enum):
    """What a bidder sees of others' bids while bidding."""

    ALL = "all"
    BEST = "best"
    NONE = "none"


class RevealAfter(enum.Enum):
    """What a bidder sees of others' bids after the final clearing."""

    ALL = "all"
    WINNING = "winning"
    NONE = "none"


def _positive_seconds(value: int | None, name: str, needed_for: str) -> None:
    if value is None:
        raise InvalidRules(f"{name} is required for {needed_for}: give a whole number of seconds")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidRules(f"{name} must be a positive whole number of seconds, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class Rules:
    """All rules of one auction (SPEC 3.2), validated on construction.

    Defaults describe the most common auction: earlier bid wins ties, clear and close at the end
    time, no retraction, all bids visible while bidding and after clearing (sealed mechanisms
    require ``reveal_during=NONE``).
    """

    exact_match: bool = True
    tie_breaking: TieBreaking = TieBreaking.EARLIER
    seed: int | None = None
    clear_when: ClearWhen = ClearWhen.AT_TIME
    clear_period: int | None = None
    clear_idle: int | None = None
    close_when: CloseWhen = CloseWhen.ON_CLEAR
    close_idle: int | None = None
    retract_before: RetractBefore = RetractBefore.NO
    retraction_penalty: Money | None = None
    retract_after: RetractAfter = RetractAfter.NO
    decommit_penalty: Money | None = None
    reveal_during: RevealDuring = RevealDuring.ALL
    reveal_after: RevealAfter = RevealAfter.ALL

    def __post_init__(self) -> None:
        for name, enum_type in (
            ("tie_breaking", TieBreaking),
            ("clear_when", ClearWhen),
            ("close_when", CloseWhen),
            ("retract_before", RetractBefore),
            ("retract_after", RetractAfter),
            ("reveal_during", RevealDuring),
            ("reveal_after", RevealAfter),
        ):
            value = getattr(self, name)
            if not isinstance(value, enum_type):
                allowed = ", ".join(repr(m.value) for m in enum_type)
                raise InvalidRules(f"{name} must be one of {allowed}, got {value!r}")
        if not isinstance(self.exact_match, bool):
            raise InvalidRules(f"exact_match must be true or false, got {self.exact_match!r}")
        if self.tie_breaking is TieBreaking.RANDOM and self.seed is None:
            raise InvalidRules("random tie-breaking needs a seed (a non-negative int)")
        if self.seed is not None:
            try:
                check_seed(self.seed)
            except InvalidInput as exc:
                raise InvalidRules(str(exc)) from exc
        self._check_timing()
        self._check_penalties()

    def _check_timing(self) -> None:
        if self.clear_when is ClearWhen.PERIODIC:
            _positive_seconds(self.clear_period, "clear_period", "periodic clearing")
        elif self.clear_period is not None:
            raise InvalidRules("clear_period is only used with clear_when='periodic'")
        if self.clear_when is ClearWhen.AFTER_IDLE:
            _positive_seconds(self.clear_idle, "clear_idle", "clearing after idle time")
        elif self.clear_idle is not None:
            raise InvalidRules("clear_idle is only used with clear_when='after_idle'")
        if self.close_when is CloseWhen.AFTER_IDLE:
            _positive_seconds(self.close_idle, "close_idle", "closing after idle time")
        elif self.close_idle is not None:
            raise InvalidRules("close_idle is only used with close_when='after_idle'")

    def _check_penalties(self) -> None:
        if self.retract_before is RetractBefore.WITH_PENALTY:
            _require_penalty(self.retraction_penalty, "retraction_penalty", "retraction")
        elif self.retraction_penalty is not None:
            raise InvalidRules("retraction_penalty is only used with retract_before='with_penalty'")
        if self.retract_after is RetractAfter.DECOMMIT_WITH_PENALTY:
            _require_penalty(self.decommit_penalty, "decommit_penalty", "decommitment")
        elif self.decommit_penalty is not None:
            raise InvalidRules(
                "decommit_penalty is only used with retract_after='decommit_with_penalty'"
            )

    def check_currency(self, currency: str) -> None:
        """Penalties must be in the auction's currency."""
        for name in ("retraction_penalty", "decommit_penalty"):
            penalty: Money | None = getattr(self, name)
            if penalty is not None and penalty.currency != currency:
                raise InvalidRules(
                    f"{name} is in {penalty.currency} but the auction trades in {currency}"
                )


def _require_penalty(penalty: Money | None, name: str, what: str) -> None:
    if penalty is None:
        raise InvalidRules(f"{name} is required for {what} with a penalty")
    if not isinstance(penalty, Money):
        raise InvalidRules(f"{name} must be Money, got {type(penalty).__name__}")
    if penalty.minor <= 0:
        raise InvalidRules(f"{name} must be positive, got {penalty}")
