"""Double auctions of one item: buyers' bids and sellers' asks (SPEC 3.1; eMediator 2.3).

Orders are ``(side, quantity, unit_price)``. A clearing matches the highest bids with the lowest
asks (equal prices by the rules' tie-breaking) while the bid is at least the ask, filling
orders partly where quantities differ. That greedy walk down the demand and up the supply curve
trades the largest possible quantity.

* :class:`DoubleAuction` (one unit per order): each matched pair trades at the **middle price**
  ``(bid + ask) / 2`` - the gains split 50:50 - rounded down to a minor unit (a half cent goes to
  the buyer).
* :class:`MultiUnitDoubleAuction` (many units per order): every trade of one clearing is at one
  uniform price, the middle of the marginal (last matched) bid and ask, so no buyer pays above
  her bid and no seller receives below her ask.

With ``clear_when='every_bid'`` the market is continuous (each new order trades against the
book at once); with a time, a period or idle time it is a call market. Matched quantities leave
the book; clearings execute trades, so earlier trades stand when the market closes. The rules'
``exact_match`` does not apply here: marginal orders are always filled partly (exact matching
would make the largest traded quantity a subset-sum problem).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from trustmarket.auctions.engine import AuctionConfig, AuctionEngine, MechanismInfo, tie_key
from trustmarket.core.errors import InvalidBid, RetractionNotAllowed
from trustmarket.core.events import (
    BidAccepted,
    InputEvent,
    Order,
    Outcome,
    OutputEvent,
    Retract,
    Side,
    Trade,
)
from trustmarket.core.money import Money


@dataclass(frozen=True, kw_only=True)
class DoubleConfig(AuctionConfig):
    """A double auction needs nothing beyond the common configuration."""


@dataclass
class OrderRecord:
    """An order on the book; ``remaining`` falls as it trades."""

    order_id: str
    trader: str
    side: Side
    time: int
    unit_price: int
    remaining: int
    rank: int


@dataclass(kw_only=True)
class DoubleState:
    book: dict[str, OrderRecord] = field(default_factory=dict)
    sides: dict[str, Side] = field(default_factory=dict)
    trades: list[Trade] = field(default_factory=list)


class _DoubleBase(AuctionEngine[DoubleConfig, DoubleState]):
    config_type = DoubleConfig
    state_type = DoubleState
    unit_orders: ClassVar[bool] = False

    def initial_state(self) -> DoubleState:
        return DoubleState()

    def bid_handlers(self) -> dict[type[InputEvent], Callable[[Any], list[OutputEvent]]]:
        return {Order: self._on_order}

    def _on_order(self, event: Order) -> list[OutputEvent]:
        st = self.state
        self.require_registered(event.trader)
        self.require_open(event.time)
        self.check_money(event.unit_price, "unit price")
        if self.unit_orders and event.quantity != 1:
            raise InvalidBid(
                f"this double auction trades one unit per order; got quantity {event.quantity} "
                "(use the multi-unit double auction for larger orders)"
            )
        side = st.sides.get(event.trader)
        if side is not None and side is not event.side:
            raise InvalidBid(
                f"{event.trader!r} already trades on the {side.value} side; a trader may not "
                "both buy and sell in one double auction"
            )
        seq = self.next_seq()
        st.book[event.id] = OrderRecord(
            order_id=event.id,
            trader=event.trader,
            side=event.side,
            time=event.time,
            unit_price=event.unit_price.minor,
            remaining=event.quantity,
            rank=tie_key(self.rules, seq, event.id),
        )
        st.sides[event.trader] = event.side
        out: list[OutputEvent] = [
            BidAccepted(cause=event.id, time=event.time, bid_id=event.id, bidder=event.trader)
        ]
        out.extend(self.bid_accepted(event))
        return out

    def retract_bid(self, event: Retract) -> None:
        record = self.state.book.get(event.bid_id)
        if record is None or record.trader != event.bidder:
            raise RetractionNotAllowed(
                f"{event.bidder!r} has no open order {event.bid_id!r} in this auction"
            )
        del self.state.book[event.bid_id]

    def _sorted_sides(self) -> tuple[list[OrderRecord], list[OrderRecord]]:
        book = self.state.book.values()
        bids = sorted(
            (o for o in book if o.side is Side.BUY), key=lambda o: (-o.unit_price, o.rank)
        )
        asks = sorted(
            (o for o in book if o.side is Side.SELL), key=lambda o: (o.unit_price, o.rank)
        )
        return bids, asks

    def matches(self) -> list[tuple[OrderRecord, OrderRecord, int]]:
        """Greedy matching of the best bid with the best ask while bid >= ask (no state change)."""
        bids, asks = self._sorted_sides()
        left = {o.order_id: o.remaining for o in bids + asks}
        out = []
        i = j = 0
        while i < len(bids) and j < len(asks) and bids[i].unit_price >= asks[j].unit_price:
            bid, ask = bids[i], asks[j]
            quantity = min(left[bid.order_id], left[ask.order_id])
            out.append((bid, ask, quantity))
            left[bid.order_id] -= quantity
            left[ask.order_id] -= quantity
            if left[bid.order_id] == 0:
                i += 1
            if left[ask.order_id] == 0:
                j += 1
        return out

    def price(self, bid: OrderRecord, ask: OrderRecord, marginal: tuple[int, int]) -> int:
        raise NotImplementedError

    def clear(self, time: int, final: bool) -> Outcome:
        st, cur = self.state, self.config.currency
        matched = self.matches()
        if not matched:
            return Outcome(notes=("no bid meets an ask: no trade",))
        marginal = (matched[-1][0].unit_price, matched[-1][1].unit_price)
        trades = []
        for bid, ask, quantity in matched:
            trades.append(
                Trade(
                    buyer=bid.trader,
                    seller=ask.trader,
                    quantity=quantity,
                    unit_price=Money(self.price(bid, ask, marginal), cur),
                    buy_order=bid.order_id,
                    sell_order=ask.order_id,
                )
            )
            for order in (bid, ask):
                order.remaining -= quantity
                if order.remaining == 0:
                    del st.book[order.order_id]
        st.trades.extend(trades)
        return Outcome(trades=tuple(trades))

    def result(self) -> Outcome | None:
        if self.timeline.outcome is None:
            return None
        trades = tuple(self.state.trades)
        # The last clearing's "no trade" note is wrong about the whole run once earlier
        # clearings traded.
        notes = () if trades else self.timeline.outcome.notes
        return Outcome(trades=trades, notes=notes)

    def bid_records(self) -> list[dict[str, Any]]:
        cur = self.config.currency
        return [
            {
                "bid_id": o.order_id,
                "bidder": o.trader,
                "time": o.time,
                "side": o.side.value,
                "quantity": o.remaining,
                "unit_price": Money(o.unit_price, cur).to_json(),
            }
            for o in self.state.book.values()
        ]

    def best_bid_ids(self) -> set[str]:
        bids, asks = self._sorted_sides()
        return {o.order_id for o in (bids[:1] + asks[:1])}


class DoubleAuction(_DoubleBase):
    """One unit per order; each matched pair trades at the middle of its bid and ask."""

    info = MechanismInfo(
        name="double",
        title="Double auction (one unit per order)",
        sides="double",
        goods="unit",
        bid_type="price bid and ask",
        pricing="middle price: (bid + ask) / 2 per matched pair, gains split 50:50",
        incentive_compatible=False,
        sealed=False,
        reference="SPEC 3.1; eMediator section 2.3",
    )
    unit_orders = True

    def price(self, bid: OrderRecord, ask: OrderRecord, marginal: tuple[int, int]) -> int:
        return (bid.unit_price + ask.unit_price) // 2


class MultiUnitDoubleAuction(_DoubleBase):
    """Many units per order; one uniform price per clearing at the marginal pair's middle."""

    info = MechanismInfo(
        name="multi_unit_double",
        title="Double auction (many units per order)",
        sides="double",
        goods="units",
        bid_type="bid and ask lists of (quantity, unit price)",
        pricing="uniform price at the middle of the marginal bid and ask; maximum traded quantity",
        incentive_compatible=False,
        sealed=False,
        reference="SPEC 3.1, 3.3; eMediator section 2.3",
    )

    def price(self, bid: OrderRecord, ask: OrderRecord, marginal: tuple[int, int]) -> int:
        return (marginal[0] + marginal[1]) // 2
