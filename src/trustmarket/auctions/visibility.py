"""What a participant may see of an auction: one function of (state, viewer, rules) (SPEC 3.2).

While bidding, ``reveal_during`` decides what others' bids a viewer sees: all of them, the best
ones (e.g. the standing high bid) or none. After the final clearing, ``reveal_after`` decides:
all bids, the winning bids, or none. A viewer always sees her own bids and her own result.
Proxy maximums are private instructions to the house: only their owner ever sees them. Sealed
mechanisms require ``reveal_during='none'``, so a sealed bid never appears in another bidder's
view before clearing.
"""

from __future__ import annotations

from typing import Any

from trustmarket.auctions.engine import AuctionEngine
from trustmarket.auctions.rules import RevealAfter, RevealDuring
from trustmarket.core.serialization import to_jsonable

PRIVATE_FIELDS = ("max_amount",)


def view(auction: AuctionEngine[Any, Any], viewer: str | None) -> dict[str, Any]:
    """The auction as ``viewer`` may see it (``None``: an anonymous member of the public)."""
    tl, rules = auction.timeline, auction.rules
    final = tl.closed and tl.final
    records = auction.bid_records()
    own = [r for r in records if r["bidder"] == viewer]
    others = [r for r in records if r["bidder"] != viewer]
    if final:
        winning = _winning_ids(auction)
        if rules.reveal_after is RevealAfter.ALL:
            shown = others
        elif rules.reveal_after is RevealAfter.WINNING:
            shown = [r for r in others if r["bid_id"] in winning]
        else:
            shown = []
    elif rules.reveal_during is RevealDuring.ALL:
        shown = others
    elif rules.reveal_during is RevealDuring.BEST:
        best = auction.best_bid_ids()
        shown = [r for r in others if r["bid_id"] in best]
    else:
        shown = []
    shown = [{k: v for k, v in r.items() if k not in PRIVATE_FIELDS} for r in shown]
    data: dict[str, Any] = {
        "auction_id": auction.config.auction_id,
        "mechanism": auction.info.name,
        "currency": auction.config.currency,
        "status": "closed" if tl.closed else "open",
        "close_reason": tl.close_reason,
        "viewer": viewer,
        "your_bids": own,
        "other_bids": shown,
        "result": _visible_result(auction, viewer),
    }
    if rules.reveal_during is not RevealDuring.NONE or final:
        data.update(auction.public_status())
    if viewer is not None and viewer in tl.penalties:
        data["your_penalties"] = tl.penalties[viewer].to_json()
    return data


def _winning_ids(auction: AuctionEngine[Any, Any]) -> set[str]:
    outcome = auction.result()
    if outcome is None:
        return set()
    ids = {a.bid_id for a in outcome.awards}
    for trade in outcome.trades:
        ids.update((trade.buy_order, trade.sell_order))
    return ids


def _visible_result(auction: AuctionEngine[Any, Any], viewer: str | None) -> Any:
    """The latest outcome, cut to what the rules let this viewer see."""
    outcome = auction.result()
    if outcome is None:
        return None
    tl, rules = auction.timeline, auction.rules
    open_view = (
        rules.reveal_after is not RevealAfter.NONE
        if tl.closed and tl.final
        else rules.reveal_during is not RevealDuring.NONE
    )
    data: dict[str, Any] = to_jsonable(outcome)
    data["final"] = tl.final
    if not open_view:
        data["awards"] = [a for a in data["awards"] if a["bidder"] == viewer]
        data["trades"] = [t for t in data["trades"] if viewer in (t["buyer"], t["seller"])]
    return data
