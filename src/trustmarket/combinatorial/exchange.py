"""Combinatorial exchanges: clear for maximum surplus, then split the surplus by a stated rule.

SPEC 3.1 (double, many items) and 3.4: bids may buy some goods and sell others (a negative unit
count sells, a negative price asks to be paid). Winner determination maximises the surplus, the
sum of accepted prices, subject to every good's supply (the house's units plus what accepted
bids sell) covering what accepted bids buy. The empty allocation is feasible, so the optimal
surplus is never negative.

The split rule (our choice; SPEC leaves it to us): the gains are shared 50:50 between the two
sides, as the one-unit double auction's middle price does. *Payers* are accepted bids with a
positive price, *receivers* accepted bids with a negative price. Half the surplus is returned
to the payers in proportion to their prices, half is added to the receivers in proportion to
their asks. Shares are rounded down to whole minor units and what rounding leaves (and the half
of a side with no accepted bids) stays with the market maker. So no payer pays more than her
bid, no receiver gets less than her ask, and the market maker never runs a deficit.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustmarket.combinatorial.instance import Instance
from trustmarket.combinatorial.solution import Solution
from trustmarket.combinatorial.wdp import solve
from trustmarket.core.errors import InvalidInput


@dataclass(frozen=True)
class Transfer:
    """What one accepted bid pays (positive) or receives (negative), in minor units."""

    bid_id: str
    bidder: str
    price: int
    share: int
    payment: int


@dataclass(frozen=True)
class Settlement:
    """Each accepted bid's transfer and the market maker's take under the 50:50 split.

    ``payments`` nets each bidder's transfers (positive: she pays; negative: she is paid), and
    ``sum(payments.values()) == market_maker``: the exchange balances exactly.
    """

    surplus: int
    transfers: tuple[Transfer, ...]
    payments: dict[str, int]
    market_maker: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ExchangeResult:
    """A cleared exchange: the winner-determination solution and its settlement."""

    solution: Solution
    settlement: Settlement


def split_surplus(instance: Instance, winners: tuple[str, ...] | list[str]) -> Settlement:
    """Apply the 50:50 proportional split to a feasible set of accepted bids (module doc)."""
    if not isinstance(instance, Instance):
        raise InvalidInput(f"split_surplus needs an Instance, got {type(instance).__name__}")
    # A bare string would otherwise be read as a list of one-character bid ids.
    if not isinstance(winners, list | tuple) or not all(isinstance(b, str) for b in winners):
        raise InvalidInput(f"winners must be a list or tuple of bid ids (strings), got {winners!r}")
    instance.check_feasible(winners)
    bids = [instance.bid(b) for b in winners]
    surplus = sum(b.price for b in bids)
    if surplus < 0:
        raise InvalidInput(
            f"these accepted bids have a negative surplus ({surplus}); an optimal clearing never "
            "does, since accepting nothing is worth 0"
        )
    pay_total = sum(b.price for b in bids if b.price > 0)
    ask_total = -sum(b.price for b in bids if b.price < 0)
    half = surplus // 2
    halves = {1: half, -1: surplus - half}
    totals = {1: pay_total, -1: ask_total}
    transfers: list[Transfer] = []
    for bid in bids:
        side = (bid.price > 0) - (bid.price < 0)
        share = 0 if side == 0 else halves[side] * abs(bid.price) // totals[side]
        transfers.append(Transfer(bid.bid_id, bid.bidder, bid.price, share, bid.price - share))
    payments: dict[str, int] = {}
    for t in transfers:
        payments[t.bidder] = payments.get(t.bidder, 0) + t.payment
    notes = []
    if pay_total == 0 and surplus:
        notes.append("no accepted bid pays: the payers' half stays with the market maker")
    if ask_total == 0 and surplus:
        notes.append("no accepted bid is paid: the receivers' half stays with the market maker")
    return Settlement(surplus, tuple(transfers), payments, sum(payments.values()), tuple(notes))


def clear_exchange(
    instance: Instance, solver: str = "search", time_limit: float | None = None
) -> ExchangeResult:
    """Maximise the surplus (SPEC 3.4), then settle it with :func:`split_surplus`."""
    if not isinstance(instance, Instance):
        raise InvalidInput(f"clear_exchange needs an Instance, got {type(instance).__name__}")
    if not instance.exchange:
        raise InvalidInput(
            "clear_exchange needs an exchange instance (exchange=True); a one-sided auction "
            "prices its winners with first-price or vcg()"
        )
    solution = solve(instance, solver=solver, time_limit=time_limit)
    return ExchangeResult(solution, split_surplus(instance, solution.winners))
