"""The demo market ``trustmarket serve --demo`` (and ``make run``) seeds on an empty database:
a few accounts and one open auction of each single-item kind, with some bids, so that a newcomer
has something to look at and bid on at once.

The demo passwords are printed by ``serve`` and are for a local trial only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustmarket.service import accounts
from trustmarket.service.principal import Principal
from trustmarket.service.schema import Account
from trustmarket.service.state import Service
from trustmarket.service.writer import Work

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoMarket", "seed_demo"]

DEMO_PASSWORD = "demo-password"
#: name: roles
DEMO_ACCOUNTS: dict[str, tuple[str, ...]] = {
    "house": ("participant", "auction_owner"),
    "alice": ("participant",),
    "bob": ("participant",),
    "carol": ("participant",),
    "admin": ("admin",),
}
_AUCTIONS: list[dict[str, Any]] = [
    {
        "title": "Demo: an oak table (English, proxy bids welcome)",
        "mechanism": "english",
        "currency": "EUR",
        "duration": 3600,
        "config": {"increment": "1.00", "reserve": "20.00"},
    },
    {
        "title": "Demo: a first edition (Vickrey, sealed)",
        "mechanism": "vickrey",
        "currency": "EUR",
        "duration": 3600,
        "rules": {"reveal_during": "none"},
    },
    {
        "title": "Demo: fresh fish (Dutch clock)",
        "mechanism": "dutch",
        "currency": "EUR",
        "duration": 3600,
        "config": {
            "start_price": "60.00",
            "decrement": "1.00",
            "floor": "10.00",
            "tick_seconds": 30,
        },
    },
    {
        "title": "Demo: 10 tonnes of wood (multi-unit Vickrey)",
        "mechanism": "multi_unit",
        "currency": "EUR",
        "duration": 3600,
        "config": {"supply": 10},
        "rules": {"reveal_during": "none"},
    },
]


@dataclass(frozen=True)
class DemoMarket:
    """What was seeded (empty when the database already had accounts)."""

    accounts: tuple[str, ...]
    auctions: tuple[str, ...]


def seed_demo(service: Service) -> DemoMarket:
    """Seed the demo market unless the database already has accounts."""

    def count(work: Work) -> int:
        return int(work.connection.scalar(select(func.count()).select_from(Account)) or 0)

    if service.writer.call(count):
        return DemoMarket((), ())
    prepared = [
        accounts.prepare_account(name, DEMO_PASSWORD, roles)
        for name, roles in DEMO_ACCOUNTS.items()
    ]

    def add(work: Work) -> dict[str, Principal]:
        made = {}
        with Session(bind=work.connection) as session:
            for new in prepared:
                row = accounts.add_account(session, new, work.now)
                made[new.name] = Principal(row.id, row.name, frozenset(new.roles))
        for new in prepared:
            service.log.append(
                work, {"type": "account_registered", "account": new.name, "roles": list(new.roles)}
            )
        return made

    people = service.writer.call(add)
    house = people["house"]
    opened = []
    for spec in _AUCTIONS:
        full: dict[str, Any] = {"config": {}, "rules": {}, **spec}
        created = service.writer.call(_creating(service, house, full))
        opened.append(created["auction_id"])
    english, vickrey, _dutch, units = opened
    market = service.market
    actions: list[tuple[str, str, str, dict[str, Any]]] = [
        (english, "alice", "join", {}),
        (english, "bob", "join", {}),
        (english, "alice", "bid", {"amount": "25.00", "max_amount": "40.00"}),
        (english, "bob", "bid", {"amount": "30.00"}),
        (vickrey, "carol", "join", {}),
        (vickrey, "carol", "bid", {"amount": "45.00"}),
        (units, "bob", "join", {}),
        (units, "bob", "units_bid", {"alternatives": [{"quantity": 4, "price": "100.00"}]}),
    ]
    for auction_id, who, action, fields in actions:
        service.writer.call(
            partial(
                market.act, auction_id=auction_id, who=people[who], action=action, fields=fields
            )
        )
    return DemoMarket(tuple(DEMO_ACCOUNTS), tuple(opened))


def _creating(
    service: Service, owner: Principal, spec: dict[str, Any]
) -> Callable[[Work], dict[str, Any]]:
    return lambda work: service.market.create(work, owner, spec)
