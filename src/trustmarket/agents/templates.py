"""The agent templates of the seeds (Sathiyamoorthy et al.; eMediator section 2.4):

* **incrementor** (English): while the auction is open and someone else leads, bid the least
  acceptable amount, up to a private maximum (the proxy bidding of eMediator's eAuctionHouse).
* **N-agent** (first-price sealed): bid ``v (N - 1) / N`` once, the symmetric equilibrium bid of a
  first-price auction with N bidders whose values are uniform on [0, v_max] (each bidder shades
  her value by the expected gap to the next-highest of N - 1 others).
* **Dutch threshold**: accept the descending clock as soon as it shows at most the threshold.
* **discover**: report open auctions that match a query (mechanism, words in the title, a
  price limit) as they appear.
* **information**: notify (by webhook) on chosen kinds of auction events.

A decision is a function of the owner's view and the parameters only: no clock, no I/O. Amounts
in views are ``{"minor", "currency"}``; money stays in integer minor units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from trustmarket.core.errors import InvalidInput
from trustmarket.core.money import Money

__all__ = [
    "TEMPLATES",
    "Action",
    "Template",
    "discover_matches",
    "dutch_threshold",
    "incrementor",
    "information_wanted",
    "n_agent",
    "n_agent_bid",
]


@dataclass(frozen=True)
class Action:
    """What an agent does: a participant action of the service (``join``, ``bid``,
    ``accept``, ...) with its request fields (amounts as decimal strings)."""

    action: str
    fields: dict[str, Any] = field(default_factory=dict)


def _minor(value: Mapping[str, Any] | None) -> int | None:
    return None if value is None else int(value["minor"])


def _amount(minor: int, currency: str) -> str:
    return Money(minor, currency).decimal()


def _joined(view: Mapping[str, Any]) -> list[Action]:
    return [] if view.get("registered") else [Action("join")]


def incrementor(view: Mapping[str, Any], max_amount: Money) -> list[Action]:
    """Bid the minimum acceptable amount while another bidder leads and it is at most
    ``max_amount`` (English auctions). Leading means: the standing price is one of the
    agent's own bid amounts (a later equal bid is refused, so nobody else can hold it)."""
    if view.get("mechanism") != "english" or view.get("status") != "open":
        return []
    actions = _joined(view)
    price = _minor(view.get("price"))
    own = [int(b["amount"]["minor"]) for b in view.get("your_bids", ())]
    if price is not None and own and max(own) >= price:
        return actions  # it leads
    minimum = _minor(view.get("minimum_bid"))
    if minimum is None or minimum > max_amount.minor:
        return actions
    return [*actions, Action("bid", {"amount": _amount(minimum, max_amount.currency)})]


def n_agent_bid(value: Money, bidders: int) -> Money:
    """``floor(v (N - 1) / N)`` in minor units: the N-agent's first-price bid."""
    if isinstance(bidders, bool) or not isinstance(bidders, int) or bidders < 2:
        raise InvalidInput(f"the N-agent needs N >= 2 bidders, got {bidders!r}")
    return Money(value.minor * (bidders - 1) // bidders, value.currency)


def n_agent(view: Mapping[str, Any], value: Money, bidders: int) -> list[Action]:
    """Bid ``v (N - 1) / N`` once in a first-price sealed auction."""
    if view.get("mechanism") != "first_price_sealed" or view.get("status") != "open":
        return []
    if view.get("your_bids"):
        return []
    bid = n_agent_bid(value, bidders)
    if bid.minor <= 0:
        return []
    return [*_joined(view), Action("bid", {"amount": bid.decimal()})]


def dutch_threshold(view: Mapping[str, Any], threshold: Money) -> list[Action]:
    """Accept the Dutch clock once its price is at most ``threshold``."""
    if view.get("mechanism") != "dutch" or view.get("status") != "open":
        return []
    actions = _joined(view)
    clock = _minor(view.get("clock_price"))
    if clock is None or clock > threshold.minor:
        return actions
    return [*actions, Action("accept")]


def discover_matches(
    listing: Iterable[Mapping[str, Any]],
    *,
    mechanism: str | None = None,
    title_contains: str | None = None,
) -> list[str]:
    """The ids of open auctions in ``listing`` with the mechanism and title words asked for."""
    words = (title_contains or "").lower().split()
    found = []
    for row in listing:
        if row.get("status") != "open":
            continue
        if mechanism is not None and row.get("mechanism") != mechanism:
            continue
        title = str(row.get("title", "")).lower()
        if all(word in title for word in words):
            found.append(str(row["auction_id"]))
    return found


def information_wanted(caused: Iterable[str], events: Iterable[str]) -> list[str]:
    """The kinds among ``caused`` (an event's outputs) that the information agent reports."""
    wanted = set(events)
    return [kind for kind in caused if kind in wanted]


@dataclass(frozen=True)
class Template:
    """A template: its name, what it does, the mechanisms it bids in (none: it only reports),
    and its decision for one auction view (None for the reporting templates)."""

    name: str
    summary: str
    mechanisms: tuple[str, ...]
    decide: Callable[..., list[Action]] | None


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "incrementor",
            "English: bid the minimum acceptable amount while outbid, up to max_amount",
            ("english",),
            incrementor,
        ),
        Template(
            "n_agent",
            "first-price sealed: bid value x (bidders - 1) / bidders once",
            ("first_price_sealed",),
            n_agent,
        ),
        Template(
            "dutch_threshold",
            "Dutch: accept as soon as the clock shows at most threshold",
            ("dutch",),
            dutch_threshold,
        ),
        Template(
            "discover",
            "report new open auctions matching a mechanism and words of the title",
            (),
            None,
        ),
        Template(
            "information",
            "notify a webhook of chosen events of one auction (with retries)",
            (),
            None,
        ),
    )
}
