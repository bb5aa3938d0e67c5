"""The domain layer: money, ids, errors, seeded randomness and the event types (SPEC section 1)."""

from trustmarket.core.errors import (
    BidTooLow,
    CurrencyError,
    DuplicateBid,
    DuplicateEvent,
    DuplicateParticipant,
    InvalidAmount,
    InvalidBid,
    InvalidId,
    InvalidInput,
    InvalidRules,
    InvalidScenario,
    NotOpen,
    OutOfOrder,
    RejectedEvent,
    RetractionNotAllowed,
    TrustmarketError,
    UnknownParticipant,
    UnsupportedEvent,
)
from trustmarket.core.ids import check_id, new_ulid
from trustmarket.core.money import CURRENCY_DIGITS, Money
from trustmarket.core.randomness import make_rng

__all__ = [
    "CURRENCY_DIGITS",
    "BidTooLow",
    "CurrencyError",
    "DuplicateBid",
    "DuplicateEvent",
    "DuplicateParticipant",
    "InvalidAmount",
    "InvalidBid",
    "InvalidId",
    "InvalidInput",
    "InvalidRules",
    "InvalidScenario",
    "Money",
    "NotOpen",
    "OutOfOrder",
    "RejectedEvent",
    "RetractionNotAllowed",
    "TrustmarketError",
    "UnknownParticipant",
    "UnsupportedEvent",
    "check_id",
    "make_rng",
    "new_ulid",
]
