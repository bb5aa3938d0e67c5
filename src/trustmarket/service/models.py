"""The request bodies of the HTTP API (Pydantic v2), strict: unknown fields are refused, numbers
are not read from strings nor strings from numbers, and amounts are decimal strings.

Amounts are strings such as ``"12.50"`` in the auction's currency, never JSON numbers: a binary
float cannot hold most cent amounts, and money is integer minor units everywhere (SPEC section 2).
The engines check the amounts' form and range; these models check the shape of the request.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from trustmarket.service.schema import ROLES

__all__ = [
    "AcceptBody",
    "Amount",
    "BidBody",
    "CurveBody",
    "CurvePointBody",
    "DecommitBody",
    "DeployAgentBody",
    "ExchangeActionBody",
    "FeedbackBody",
    "IncidentBody",
    "JoinBody",
    "JoinSharingBody",
    "LoginBody",
    "NewAuction",
    "NewExchangeBody",
    "OrderBody",
    "PackageBidBody",
    "PackageRowBody",
    "RegisterBody",
    "RetractBody",
    "ReviewBody",
    "RolesBody",
    "SettingBody",
    "SubmitIndicatorBody",
    "TokenBody",
    "UnitsBidBody",
    "UnitsOfferBody",
]


def _amount(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(
            f'amounts are decimal strings such as "12.50", got {value!r} ({type(value).__name__})'
        )
    return value


#: A decimal string such as "12.50"; the auction's currency decides how many decimals.
Amount = Annotated[str, BeforeValidator(_amount), Field(max_length=32, examples=["12.50"])]
EventId = Annotated[
    str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$")
]
Role = Literal["participant", "auction_owner", "panel_member", "admin"]
assert set(Role.__args__) == set(ROLES)  # type: ignore[attr-defined]


class Strict(BaseModel):
    """Refuse unknown fields and type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


class RegisterBody(Strict):
    """A new account. Anyone may ask for ``participant`` and ``auction_owner``; the other
    roles are granted by an admin."""

    name: str = Field(max_length=64, examples=["alice"])
    password: str = Field(max_length=256)
    roles: list[Role] = Field(default_factory=lambda: list[Role](["participant"]), max_length=4)


class LoginBody(Strict):
    """A name and password; the answer is a session token."""

    name: str = Field(max_length=64)
    password: str = Field(max_length=256)


class TokenBody(Strict):
    """An API token for an agent acting for the account."""

    kind: Literal["api"] = "api"


class RolesBody(Strict):
    """The full set of roles an admin gives an account."""

    roles: list[Role] = Field(min_length=1, max_length=4)


class SettingBody(Strict):
    """The market setting of the advisor (SPEC 3.1)."""

    sides: Literal["single", "double"]
    goods: Literal["unit", "units", "items", "items-units"]
    divisible: bool = False


class NewAuction(Strict):
    """An auction to open. ``setting``, ``bid_type`` and ``pricing`` are the advisor's choice
    (defaults: what the mechanism runs); the advisor refuses a combination that does not fit.
    ``config`` holds the mechanism's settings (e.g. an English ``increment``), ``rules`` the
    rules of SPEC 3.2; amounts in both are decimal strings. Give ``end`` (Unix seconds) or
    ``duration`` (seconds from ``start``, default now)."""

    mechanism: str = Field(max_length=64, examples=["english"])
    currency: str = Field(max_length=3, examples=["EUR"])
    title: str | None = Field(default=None, max_length=200)
    setting: SettingBody | None = None
    bid_type: str | None = Field(default=None, max_length=32)
    pricing: str | None = Field(default=None, max_length=32)
    start: int | None = Field(default=None, ge=0, le=2**47)
    end: int | None = Field(default=None, ge=0, le=2**47)
    duration: int | None = Field(default=None, gt=0, le=10**9)
    config: dict[str, Any] = Field(default_factory=dict)
    rules: dict[str, Any] = Field(default_factory=dict)


class _Action(Strict):
    """``id`` (optional) makes the request idempotent: a second event with the same id is
    refused as a duplicate instead of being applied twice."""

    id: EventId | None = None


class JoinBody(_Action):
    """Register the caller as a participant of the auction."""


class BidBody(_Action):
    """A price bid; ``max_amount`` makes it a proxy bid (English)."""

    amount: Amount
    max_amount: Amount | None = None


class UnitsOfferBody(Strict):
    """``quantity`` units for ``price`` in total."""

    quantity: int = Field(gt=0, le=10**9)
    price: Amount


class UnitsBidBody(_Action):
    """An XOR bid of (quantity, total price) alternatives (multi-unit auctions)."""

    alternatives: list[UnitsOfferBody] = Field(min_length=1, max_length=1000)


class OrderBody(_Action):
    """A bid (buy) or ask (sell) of ``quantity`` units at ``unit_price`` (double auctions)."""

    side: Literal["buy", "sell"]
    quantity: int = Field(gt=0, le=10**9)
    unit_price: Amount


class CurvePointBody(Strict):
    """A step of a curve: ``quantity`` units in all at ``unit_price`` (see CurveBody)."""

    quantity: int = Field(gt=0, le=10**9)
    unit_price: Amount


class CurveBody(Strict):
    """A step price-quantity curve in a multi-unit double auction: for a buyer, each point is
    the total bought at that unit price or lower; for a seller, the total sold at that price or
    higher. It is placed as one order per stair, all or none."""

    side: Literal["buy", "sell"]
    points: list[CurvePointBody] = Field(min_length=1, max_length=100)


class AcceptBody(_Action):
    """Take the Dutch clock's current price."""


class RetractBody(_Action):
    """Withdraw one of the caller's bids (if the rules allow)."""

    bid_id: EventId


class DecommitBody(_Action):
    """Walk away from a won award after clearing, paying the penalty (if the rules allow)."""


class DeployAgentBody(Strict):
    """A template, the auction it acts in (none for ``discover``) and its parameters (see
    ``GET /api/agent-templates``)."""

    template: str = Field(max_length=32, examples=["incrementor"])
    auction_id: str | None = Field(default=None, max_length=128)
    params: dict[str, Any] = Field(default_factory=dict)


class FeedbackBody(Strict):
    """A rating of the other side of a settled transaction."""

    transaction_id: str = Field(max_length=200)
    rating: Literal[-1, 0, 1]
    attributes: list[float] | None = Field(default=None, min_length=1, max_length=16)


class NewExchangeBody(Strict):
    """A safe exchange to propose: the counterparty, the caller's role, the problem (the
    safe-exchange JSON format, see docs/safe-exchange.md) and a plan, or the objective and
    safety for the service to plan one."""

    counterparty: str = Field(max_length=64)
    role: Literal["seller", "buyer"]
    problem: dict[str, Any]
    plan: dict[str, Any] | None = None
    objective: Literal["steps", "deliveries", "payments", "deliveries+payments"] = "steps"
    safety: Literal["sequential", "either-order"] = "sequential"


class ExchangeActionBody(Strict):
    """The next action of the plan, as its party confirms it."""

    action: Literal["deliver", "pay"]
    deliver: dict[str, Annotated[int, Field(ge=0, le=10**9)]] | None = None
    pay: Amount | None = None


class JoinSharingBody(Strict):
    """A company's tier in the sharing exchange."""

    tier: Literal["critical-infrastructure", "core-business", "small-business"]


class IncidentBody(Strict):
    """An incident's category (an indicator's first indicator_type)."""

    category: str = Field(max_length=128)


class SubmitIndicatorBody(Strict):
    """The properties of a STIX 2.1 Indicator (id, created and modified are set by the
    service)."""

    indicator: dict[str, Any]


class ReviewBody(Strict):
    """A panel member's vote."""

    valid: bool
    severity: Literal["low", "medium", "high", "critical"]
    scope: Literal["specific", "root"]


class PackageRowBody(Strict):
    """One row of a bid table: a bundle (good -> units, or a list of goods) and its price."""

    bundle: dict[str, Annotated[int, Field(ge=-(10**6), le=10**6)]] | list[str]
    price: Amount


class PackageBidBody(_Action):
    """A combinatorial bid: ``bid`` in the text syntax of SPEC 3.4, e.g.
    ``"[({a, b}, 9.00) XOR ({c}, 4.00)] OR [({d}, 2.00)]"``, or ``tables``, one table per XOR
    disjunct and a row per bundle (as in eAuctionHouse). Give one of the two."""

    bid: str | None = Field(default=None, max_length=100_000)
    tables: list[list[PackageRowBody]] | None = Field(default=None, max_length=1000)
