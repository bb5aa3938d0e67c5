"""The error hierarchy: stable codes, messages, and the two structured errors."""

from __future__ import annotations

import inspect
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trustmarket.core
from trustmarket.core import errors
from trustmarket.core.errors import (
    BidSyntaxError,
    BidTooLow,
    CurrencyError,
    DamagedLog,
    DuplicateBid,
    DuplicateEvent,
    DuplicateFeedback,
    DuplicateParticipant,
    FileFormatError,
    InvalidAccount,
    InvalidAmount,
    InvalidBid,
    InvalidConfiguration,
    InvalidContract,
    InvalidDistribution,
    InvalidExchange,
    InvalidFeedback,
    InvalidGame,
    InvalidId,
    InvalidInput,
    InvalidInstance,
    InvalidJson,
    InvalidKey,
    InvalidLogRequest,
    InvalidProof,
    InvalidReputation,
    InvalidRules,
    InvalidScenario,
    InvalidSignature,
    InvalidSimulation,
    InvalidTreeHead,
    LogFork,
    NoPanel,
    NotAuthenticated,
    NotOpen,
    NotPermitted,
    OutOfOrder,
    RejectedEvent,
    RetractionNotAllowed,
    SolverLimit,
    TreeHeadRollback,
    TrustmarketError,
    UnknownParticipant,
    UnknownResource,
    UnsupportedEvent,
)

ALL_ERRORS = sorted(
    (
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, TrustmarketError) and cls.__module__ == errors.__name__
    ),
    key=lambda cls: cls.__name__,
)
#: Classes whose constructor takes just the message.
PLAIN_ERRORS = [cls for cls in ALL_ERRORS if cls not in (BidSyntaxError, FileFormatError)]

INVALID_INPUT = {
    InvalidAmount,
    CurrencyError,
    InvalidId,
    InvalidRules,
    InvalidScenario,
    InvalidInstance,
    BidSyntaxError,
    FileFormatError,
    InvalidGame,
    InvalidDistribution,
    InvalidContract,
    InvalidExchange,
    InvalidFeedback,
    DuplicateFeedback,
    InvalidReputation,
    InvalidJson,
    InvalidKey,
    InvalidSignature,
    InvalidProof,
    InvalidLogRequest,
    DamagedLog,
    InvalidTreeHead,
    TreeHeadRollback,
    LogFork,
    InvalidAccount,
    InvalidConfiguration,
    InvalidSimulation,
}
REJECTED = {
    BidTooLow,
    InvalidBid,
    NotOpen,
    UnknownParticipant,
    DuplicateParticipant,
    DuplicateEvent,
    DuplicateBid,
    OutOfOrder,
    RetractionNotAllowed,
    UnsupportedEvent,
    NoPanel,
}


def test_the_hierarchy_is_the_documented_one() -> None:
    assert (
        set(ALL_ERRORS)
        == {
            TrustmarketError,
            InvalidInput,
            RejectedEvent,
            SolverLimit,
            NotAuthenticated,
            NotPermitted,
            UnknownResource,
        }
        | INVALID_INPUT
        | REJECTED
    )
    assert not issubclass(SolverLimit, InvalidInput | RejectedEvent)
    for cls in (NotAuthenticated, NotPermitted, UnknownResource):
        assert not issubclass(cls, InvalidInput | RejectedEvent), cls
    for cls in INVALID_INPUT:
        assert issubclass(cls, InvalidInput) and issubclass(cls, ValueError), cls
        assert not issubclass(cls, RejectedEvent), cls
    for cls in REJECTED:
        assert issubclass(cls, RejectedEvent), cls
        assert not issubclass(cls, InvalidInput), cls
    assert issubclass(InvalidInput, TrustmarketError)
    assert issubclass(RejectedEvent, TrustmarketError)
    assert not issubclass(RejectedEvent, InvalidInput)


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__name__)
def test_every_error_has_its_own_stable_code(cls: type[TrustmarketError]) -> None:
    assert "code" in vars(cls), f"{cls.__name__} inherits its code"
    assert re.fullmatch(r"[a-z][a-z_]*", cls.code), cls.code
    assert cls.__doc__ and cls.__doc__.strip(), f"{cls.__name__} has no docstring"


def test_codes_are_unique() -> None:
    codes = [cls.code for cls in ALL_ERRORS]
    assert len(codes) == len(set(codes))


def test_every_error_is_exported_from_trustmarket_core() -> None:
    for cls in ALL_ERRORS:
        assert getattr(trustmarket.core, cls.__name__) is cls
        assert cls.__name__ in trustmarket.core.__all__


@pytest.mark.parametrize("cls", PLAIN_ERRORS, ids=lambda c: c.__name__)
def test_message_and_code_are_kept(cls: type[TrustmarketError]) -> None:
    exc = cls("bid of EUR 1.00 is below the minimum EUR 1.50")
    assert str(exc) == "bid of EUR 1.00 is below the minimum EUR 1.50"
    assert exc.message == str(exc)
    assert exc.code == cls.code
    with pytest.raises(TrustmarketError) as info:
        raise exc
    assert info.value is exc


def test_rejected_events_are_caught_by_their_base() -> None:
    with pytest.raises(RejectedEvent) as info:
        raise BidTooLow("the minimum acceptable bid is EUR 11.00")
    assert info.value.code == "bid_too_low"
    assert not isinstance(info.value, ValueError)


def test_invalid_input_is_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match="unknown currency"):
        raise CurrencyError("unknown currency 'XXX'")


# -- BidSyntaxError --------------------------------------------------------------------------
def test_bid_syntax_error_message_and_attributes() -> None:
    exc = BidSyntaxError("expected ']'", "[a b", 4)
    assert str(exc) == "column 4: expected ']'"
    assert exc.message == str(exc)
    assert "\n" not in str(exc)
    assert exc.column == 4
    assert exc.text == "[a b"
    assert exc.pointer == "[a b\n   ^"
    assert exc.code == "bid_syntax"
    assert isinstance(exc, InvalidInput)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=30), st.data())
def test_bid_syntax_error_pointer_sits_under_the_column(text: str, data: st.DataObject) -> None:
    column = data.draw(st.integers(min_value=1, max_value=len(text) + 1))
    exc = BidSyntaxError("unexpected character", text, column)
    assert str(exc) == f"column {column}: unexpected character"
    first, second = exc.pointer.split("\n")
    assert first == text
    assert second.index("^") == column - 1
    assert second == " " * (column - 1) + "^"


# -- FileFormatError -------------------------------------------------------------------------
def test_file_format_error_message_and_attributes() -> None:
    exc = FileFormatError("a bid line must end with '#'", "inst.txt", 3)
    assert str(exc) == "inst.txt, line 3: a bid line must end with '#'"
    assert exc.message == str(exc)
    assert exc.path == "inst.txt"
    assert exc.line == 3
    assert exc.code == "file_format"
    assert isinstance(exc, InvalidInput)


# -- messages raised by core say what is allowed ----------------------------------------------
def test_core_messages_name_the_allowed_values() -> None:
    from trustmarket.core.ids import check_id
    from trustmarket.core.money import Money
    from trustmarket.core.randomness import check_seed

    cases = [
        (lambda: Money.parse("12.345", "EUR"), InvalidAmount, "at most 2"),
        (lambda: Money.parse("abc", "EUR"), InvalidAmount, "'12.34'"),
        (lambda: Money(1, "XXX"), CurrencyError, "allowed: "),
        (lambda: check_id("a b"), InvalidId, "letters, digits"),
        (lambda: check_seed(-1), InvalidInput, "non-negative int"),
    ]
    for call, exc_type, allowed in cases:
        with pytest.raises(exc_type) as info:
            call()
        assert allowed in str(info.value)
