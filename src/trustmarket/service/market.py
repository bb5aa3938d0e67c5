"""Auctions in the service: created through the advisor, fed events, persisted as their events.

An auction's state is never stored: its row holds the mechanism, configuration and rules, and
its ``auction_events`` rows hold every accepted input event in order. The engine kept in memory
is the replay of those events (SPEC section 1); after a restart, or after a rolled-back batch,
it is rebuilt from them. Every method here that reads or changes state is a job for the writer
thread (it takes a :class:`~trustmarket.service.writer.Work`), so the events of one auction are
applied one at a time and in the order they were committed.

Times are Unix seconds, taken once per batch by the writer: an auction's ``end`` or ``duration``,
soft-close windows and Dutch ticks are seconds.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, insert, select, update

from trustmarket.auctions.advisor import Setting, check_choice
from trustmarket.auctions.dutch import DutchAuction
from trustmarket.auctions.engine import AuctionEngine
from trustmarket.auctions.registry import MECHANISMS, mechanism
from trustmarket.auctions.rules import RevealAfter, Rules
from trustmarket.auctions.scenario import parse_scenario
from trustmarket.auctions.visibility import view
from trustmarket.core.errors import (
    InvalidBid,
    InvalidRules,
    NotPermitted,
    TrustmarketError,
    UnknownResource,
)
from trustmarket.core.events import InputEvent, Outcome, event_to_json, input_event_from_json
from trustmarket.core.serialization import from_jsonable, to_jsonable
from trustmarket.service.actions import build_curve_events, build_event
from trustmarket.service.ledger import ServiceLog, event_entry
from trustmarket.service.principal import Principal
from trustmarket.service.schema import Account, Auction, AuctionEvent
from trustmarket.service.writer import Work

__all__ = ["MECHANISM_CHOICES", "Market", "wake_time"]

#: The advisor's (bid type, pricing) that each mechanism runs; multi-unit pricing comes from
#: its configuration.
MECHANISM_CHOICES: dict[str, tuple[str, str, str, str]] = {
    # mechanism: (sides, goods, bid type, pricing)
    "english": ("single", "unit", "price", "first_price"),
    "dutch": ("single", "unit", "price", "first_price"),
    "first_price_sealed": ("single", "unit", "price", "first_price"),
    "vickrey": ("single", "unit", "price", "second_price"),
    "multi_unit": ("single", "units", "xor", "clarke_groves"),
    "double": ("double", "unit", "bid_ask", "middle_price"),
    "multi_unit_double": ("double", "units", "curve", "max_volume"),
    "combinatorial": ("single", "items", "or_of_xors", "clarke_groves"),
}
_MULTI_UNIT_PRICING = {"vickrey": "clarke_groves", "pay_as_bid": "pay_as_bid", "uniform": "uniform"}


@dataclass
class LiveAuction:
    """An auction's engine in memory and what the service knows about it."""

    engine: AuctionEngine[Any, Any]
    owner_id: str
    owner_name: str
    title: str
    events: int


def _insert_events(connection: Connection, rows: list[dict[str, Any]]) -> None:
    connection.execute(insert(AuctionEvent), rows)


def wake_time(engine: AuctionEngine[Any, Any]) -> int | None:
    """When the scheduler must next tick this auction: its closing or clearing time, and for a
    Dutch clock the next step of the price (None: nothing is due without a new event)."""
    tl = engine.timeline
    if tl.closed:
        return None
    times = [t for t in (engine.closing_time(), engine.next_clearing_time()) if t is not None]
    if isinstance(engine, DutchAuction):
        times.append(max(tl.last_time, engine.config.start) + engine.config.tick_seconds)
    return min(times) if times else None


@dataclass
class Market:
    """The auctions of the service. Every method runs on the writer thread."""

    log: ServiceLog
    #: Called after each commit that changed an auction, on the writer thread, with the
    #: auction id and ``{"seq", "caused"}`` (seq 0: the auction was created).
    on_change: list[Callable[[str, dict[str, Any]], None]] = field(default_factory=list)
    #: Called in the closing's batch when an auction closes with its final clearing, with the
    #: auction id, its owner's name and the outcome (the reputation bureau records the trades).
    on_settle: list[Callable[[Work, str, str, Outcome], None]] = field(default_factory=list)
    _live: dict[str, LiveAuction] = field(default_factory=dict)

    # -- loading -----------------------------------------------------------------------------
    def load_open(self, work: Work) -> int:
        """Replay every open auction into memory (at start); return how many."""
        ids = work.connection.scalars(select(Auction.id).where(Auction.status == "open")).all()
        for auction_id in ids:
            self._get(work, auction_id)
        return len(ids)

    def _get(self, work: Work, auction_id: str) -> LiveAuction:
        live = self._live.get(auction_id)
        if live is not None:
            return live
        row = (
            work.connection.execute(select(Auction).where(Auction.id == auction_id)).one_or_none()
            if isinstance(auction_id, str)
            else None
        )
        if row is None:
            raise UnknownResource(f"there is no auction {auction_id!r}")
        live = self._replay(work.connection, row)
        self._live[auction_id] = live
        return live

    def _replay(self, connection: Connection, row: Any) -> LiveAuction:
        engine_type = mechanism(row.mechanism)
        config = from_jsonable(engine_type.config_type, json.loads(row.config_json), "config")
        rules = from_jsonable(Rules, json.loads(row.rules_json), "rules")
        engine = engine_type(config, rules)
        stored = connection.scalars(
            select(AuctionEvent.event_json)
            .where(AuctionEvent.auction_id == row.id)
            .order_by(AuctionEvent.seq)
        ).all()
        for text in stored:
            engine.apply(input_event_from_json(json.loads(text)))
        owner_name = connection.scalar(select(Account.name).where(Account.id == row.owner_id))
        return LiveAuction(
            engine=engine,
            owner_id=row.owner_id,
            owner_name=owner_name or "",
            title=row.title,
            events=len(stored),
        )

    def forget(self, auction_id: str) -> None:
        """Drop an auction from memory; the next use replays it from the database."""
        self._live.pop(auction_id, None)

    # -- creating ----------------------------------------------------------------------------
    def create(self, work: Work, owner: Principal, spec: dict[str, Any]) -> dict[str, Any]:
        """A new auction from a validated request (see :class:`~trustmarket.service.models.
        NewAuction`), checked by the advisor: its setting, bid type and pricing must be a valid
        choice, and the mechanism must run that choice."""
        owner.require("auction_owner", "create auctions")
        name = spec["mechanism"]
        if name not in MECHANISM_CHOICES:
            raise InvalidRules(f"unknown mechanism {name!r}; allowed: {', '.join(MECHANISMS)}")
        sides, goods, bid_type, pricing = MECHANISM_CHOICES[name]
        if name == "multi_unit":
            configured = (spec.get("config") or {}).get("pricing", "vickrey")
            pricing = _MULTI_UNIT_PRICING.get(configured, str(configured))
        if name == "combinatorial":
            config = spec.get("config") or {}
            bid_type = str(config.get("language", bid_type))
            pricing = str(config.get("pricing", pricing))
            goods_spec = config.get("goods")
            if isinstance(goods_spec, list) and any(
                isinstance(g, dict) and g.get("units", 1) != 1 for g in goods_spec
            ):
                goods = "items-units"
        setting_spec = spec.get("setting") or {}
        setting = Setting(
            setting_spec.get("sides", sides),
            setting_spec.get("goods", goods),
            setting_spec.get("divisible", False),
        )
        chosen_bid = spec.get("bid_type") or bid_type
        chosen_pricing = spec.get("pricing") or pricing
        advice = check_choice(setting, chosen_bid, chosen_pricing)
        if name not in advice.mechanisms:
            raise InvalidRules(
                f"mechanism {name!r} does not run a {setting.sides} auction of {setting.goods}; "
                f"the advisor offers: {', '.join(advice.mechanisms) or 'none of the engines'}"
            )
        if (chosen_bid, chosen_pricing) != (bid_type, pricing):
            raise InvalidRules(
                f"mechanism {name!r} takes {bid_type} bids with {pricing} pricing, "
                f"not {chosen_bid} with {chosen_pricing}"
            )
        auction_id = work.new_id()
        start = spec.get("start")
        start = work.now if start is None else start
        end = spec.get("end")
        if spec.get("duration") is not None:
            end = start + spec["duration"]
        rules = dict(spec.get("rules") or {})
        if MECHANISMS[name].info.sealed:
            # A sealed auction shows no bids before clearing; say so for the caller.
            rules.setdefault("reveal_during", "none")
        scenario = parse_scenario(
            {
                "mechanism": name,
                "currency": spec["currency"],
                "auction_id": auction_id,
                "start": start,
                "end": end,
                "participants": [],
                "config": spec.get("config") or {},
                "rules": rules,
                "events": [],
            }
        )
        engine = scenario.engine
        if engine.config.start < work.now:
            raise InvalidRules(f"start ({engine.config.start}) is in the past (now: {work.now})")
        config_json = json.dumps(to_jsonable(engine.config), sort_keys=True)
        rules_json = json.dumps(to_jsonable(engine.rules), sort_keys=True)
        title = spec.get("title") or f"{engine.info.title} {auction_id[-6:]}"
        work.on_rollback.append(lambda: self.forget(auction_id))
        work.connection.execute(
            insert(Auction),
            {
                "id": auction_id,
                "owner_id": owner.account_id,
                "mechanism": name,
                "config_json": config_json,
                "rules_json": rules_json,
                "created_at": work.now,
                "title": title,
                "status": "open",
            },
        )
        self._live[auction_id] = LiveAuction(engine, owner.account_id, owner.name, title, 0)
        index = self.log.append(
            work,
            {
                "type": "auction_created",
                "auction_id": auction_id,
                "owner": owner.name,
                "mechanism": name,
                "config": json.loads(config_json),
                "rules": json.loads(rules_json),
            },
        )
        work.after_commit.append(lambda: self._changed(auction_id, {"seq": 0, "caused": []}))
        return {
            "auction_id": auction_id,
            "log_index": index,
            "advice": {
                "bid_type": chosen_bid,
                "pricing": chosen_pricing,
                "reasons": [c.reason for c in advice.pricing if c.name == chosen_pricing],
                "notes": list(advice.notes),
            },
            **self.describe(work, auction_id, owner),
        }

    # -- acting ------------------------------------------------------------------------------
    def act(
        self, work: Work, auction_id: str, who: Principal, action: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply one participant action (see :data:`ACTIONS`) as the caller; the receipt names
        the stored event, its place in the auction and on the log, and the salt that lets the
        caller check the log entry."""
        who.require("participant", "bid in auctions")
        live = self._get(work, auction_id)
        engine = live.engine
        event = build_event(
            action,
            who.name,
            fields,
            engine.config.currency,
            fields.get("id") or work.new_id(),
            max(work.now, engine.timeline.last_time),
        )
        return self._apply(work, live, event, who.account_id)

    def act_curve(
        self, work: Work, auction_id: str, who: Principal, side: str, points: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Place a step curve (:mod:`trustmarket.auctions.step_curve`) in a multi-unit double
        auction as its orders, all or none: the orders are first tried on a copy of the
        engine, so a refused stair leaves the book as it was."""
        who.require("participant", "bid in auctions")
        live = self._get(work, auction_id)
        engine = live.engine
        if MECHANISM_CHOICES[engine.info.name][2] != "curve":
            curve_mechanisms = [m for m, c in MECHANISM_CHOICES.items() if c[2] == "curve"]
            raise InvalidBid(
                f"this {engine.info.name} auction takes no curves; curves are bids of: "
                f"{', '.join(curve_mechanisms)}"
            )
        t = max(work.now, engine.timeline.last_time)
        events = build_curve_events(
            who.name, side, points, engine.config.currency, lambda: work.new_id(t), t
        )
        trial = copy.deepcopy(engine)
        for i, event in enumerate(events):
            try:
                trial.apply(event)
            except TrustmarketError as error:
                raise type(error)(f"stair {i + 1} of the curve: {error.message}") from None
        return {"orders": [self._apply(work, live, event, who.account_id) for event in events]}

    def owner_close(self, work: Work, auction_id: str, who: Principal) -> dict[str, Any]:
        """The owner (or an admin) closes the auction now: a final clearing where the rules
        close by the owner, a cancellation without sale otherwise."""
        live = self._get(work, auction_id)
        if live.owner_id != who.account_id and not who.has("admin"):
            raise NotPermitted("only the auction's owner or an admin may close it")
        t = max(work.now, live.engine.timeline.last_time)
        event = input_event_from_json({"type": "cancel", "id": work.new_id(t), "time": t})
        return self._apply(work, live, event, who.account_id)

    def tick_due(self, work: Work) -> list[str]:
        """Tick every auction in memory whose closing, clearing or clock step is due."""
        ticked = []
        for auction_id, live in list(self._live.items()):
            due = wake_time(live.engine)
            if due is None or due > work.now:
                continue
            t = max(work.now, live.engine.timeline.last_time)
            tick = input_event_from_json({"type": "tick", "id": work.new_id(t), "time": t})
            self._apply(work, live, tick, None)
            ticked.append(auction_id)
        return ticked

    def next_wake(self) -> int | None:
        """The earliest time any auction in memory needs a tick."""
        times = [t for live in self._live.values() if (t := wake_time(live.engine)) is not None]
        return min(times) if times else None

    def _apply(
        self, work: Work, live: LiveAuction, event: InputEvent, account_id: str | None
    ) -> dict[str, Any]:
        engine = live.engine
        auction_id = engine.config.auction_id
        outputs = engine.apply(event)  # raises, unchanged, when the event is refused
        # From here the engine has moved: if the batch fails, replay it from what was kept.
        work.on_rollback.append(lambda: self.forget(auction_id))
        live.events += 1
        seq = live.events
        stored = event_to_json(event)
        salt = secrets.token_bytes(16)
        index = self.log.append(work, event_entry(auction_id, seq, salt, stored))
        row = {
            "auction_id": auction_id,
            "seq": seq,
            "event_id": event.id,
            "event_json": json.dumps(stored, sort_keys=True),
            "account_id": account_id,
            "salt": salt,
            "log_index": index,
        }
        work.defer("auction_events", row, partial(_insert_events, work.connection))
        if engine.timeline.closed:
            work.connection.execute(
                update(Auction).where(Auction.id == auction_id).values(status="closed")
            )
            outcome = engine.result()
            if engine.timeline.final and outcome is not None:
                for settle in self.on_settle:
                    settle(work, auction_id, live.owner_name, outcome)
        change = {"seq": seq, "caused": [out.kind for out in outputs]}
        work.after_commit.append(lambda: self._changed(auction_id, change))
        return {
            "auction_id": auction_id,
            "seq": seq,
            "event": stored,
            "salt": salt.hex(),
            "log_index": index,
            "caused": [out.kind for out in outputs],
        }

    def interested(self, auction_id: str) -> set[str]:
        """The names of an auction's owner and participants (for their account streams)."""
        live = self._live.get(auction_id)
        if live is None:
            return set()
        return {live.owner_name, *live.engine.timeline.registered}

    def _changed(self, auction_id: str, change: dict[str, Any]) -> None:
        for listener in self.on_change:
            listener(auction_id, change)

    # -- reading -----------------------------------------------------------------------------
    def describe(self, work: Work, auction_id: str, viewer: Principal | None) -> dict[str, Any]:
        """The auction as ``viewer`` may see it (SPEC 3.2's revelation rules), with its title,
        owner, schedule and the number of events so far."""
        live = self._get(work, auction_id)
        engine = live.engine
        data = view(engine, None if viewer is None else viewer.name)
        data.update(
            title=live.title,
            owner_is_viewer=viewer is not None and viewer.account_id == live.owner_id,
            start=engine.config.start,
            end=engine.timeline.end,
            closes_at=None if engine.timeline.closed else engine.closing_time(),
            events=live.events,
            rules=to_jsonable(engine.rules),
            registered=viewer is not None and viewer.name in engine.timeline.registered,
        )
        goods = getattr(engine.config, "goods", None)
        if goods is not None:  # what a combinatorial bid may name: public, bidders need it
            data["goods"] = [{"name": g.name, "units": g.units} for g in goods]
        return data

    def listing(self, work: Work, status: str | None, mechanism_name: str | None) -> list[Any]:
        """Every auction's title, mechanism and status, newest first, optionally filtered."""
        query = select(Auction.id, Auction.title, Auction.mechanism, Auction.status)
        if status is not None:
            query = query.where(Auction.status == status)
        if mechanism_name is not None:
            query = query.where(Auction.mechanism == mechanism_name)
        rows = work.connection.execute(query.order_by(Auction.created_at.desc(), Auction.id))
        return [
            {"auction_id": r.id, "title": r.title, "mechanism": r.mechanism, "status": r.status}
            for r in rows
        ]

    def receipts(self, work: Work, auction_id: str, who: Principal) -> list[dict[str, Any]]:
        """The caller's own stored events with their salts and log indexes (to verify them);
        an admin, or anyone once a closed auction reveals all bids, gets every event."""
        live = self._get(work, auction_id)
        engine = live.engine
        everyone = who.has("admin") or (
            engine.timeline.closed
            and engine.timeline.final
            and engine.rules.reveal_after is RevealAfter.ALL
        )
        query = select(
            AuctionEvent.seq, AuctionEvent.event_json, AuctionEvent.salt, AuctionEvent.log_index
        ).where(AuctionEvent.auction_id == auction_id)
        if not everyone:
            query = query.where(AuctionEvent.account_id == who.account_id)
        rows = work.connection.execute(query.order_by(AuctionEvent.seq)).all()
        return [
            {
                "auction_id": auction_id,
                "seq": r.seq,
                "event": json.loads(r.event_json),
                "salt": None if r.salt is None else bytes(r.salt).hex(),
                "log_index": r.log_index,
            }
            for r in rows
        ]
