"""Everything one running service holds: the database, the writer, the market, the log, the
streams, the token cache and the scheduler; started and stopped together.

:class:`Service` is what the FastAPI app keeps in ``app.state.service``; tests can build one
without HTTP. Restart safety: nothing here is the only copy of anything. Auctions are replayed
from their events at start, and the scheduler's next tick is derived from the replayed state, so
a closing that fell due while the service was down happens on the first tick after start.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from trustmarket.core.errors import NotAuthenticated
from trustmarket.service import accounts
from trustmarket.service.agents import Agents, Webhooks
from trustmarket.service.database import open_engine
from trustmarket.service.exchanges import Exchanges
from trustmarket.service.ledger import ServiceLog
from trustmarket.service.market import Market
from trustmarket.service.migrate import migrate
from trustmarket.service.principal import Principal
from trustmarket.service.reputation import Reputation
from trustmarket.service.schema import Account, ApiToken
from trustmarket.service.settings import Settings
from trustmarket.service.sharing import Sharing
from trustmarket.service.streams import Broadcaster
from trustmarket.service.writer import Work, Writer

__all__ = ["Service"]

T = TypeVar("T")
_log = logging.getLogger("trustmarket.service")
_TOKEN_CACHE_SIZE = 10_000


class Service:
    """A running service over one database."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        tick_interval: float = 0.25,
        stream_keepalive: float = 15.0,
        webhook_backoff: float = 0.5,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.tick_interval = tick_interval
        self.engine: Engine = open_engine(settings)
        self.revision = migrate(self.engine)
        self.log = ServiceLog(self.engine)
        self.market = Market(self.log)
        self.streams = Broadcaster(stream_keepalive)
        self.market.on_change.append(self._publish)
        self.writer = Writer(self.engine, clock)
        self.agents = Agents(self.market, self.log, self.writer)
        self.agents.webhooks = Webhooks(self.agents.record_delivery, backoff=webhook_backoff)
        self.market.on_change.append(self.agents.changed)
        self.reputation = Reputation(self.log)
        self.market.on_settle.append(self.reputation.settle)
        self.exchanges = Exchanges(self.log)
        self.exchanges.on_change.append(
            lambda exchange_id: self.streams.publish(f"exchange:{exchange_id}", exchange_id)
        )
        self.sharing = Sharing(self.log)
        self.sharing.on_change.append(lambda kind: self.streams.publish("sharing", kind))
        self._tokens: OrderedDict[bytes, Principal] = OrderedDict()
        self._tokens_lock = threading.Lock()
        self._stop = threading.Event()
        self._scheduler: threading.Thread | None = None
        self.ready = False

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the writer, replay the open auctions, start the scheduler."""
        self.writer.start()
        loaded = self.writer.call(self.market.load_open)
        agents = self.writer.call(self.agents.load)
        self.writer.call(self.reputation.load)
        assert self.agents.webhooks is not None
        self.agents.webhooks.start()
        _log.info("service started: %d open auctions replayed, %d agents", loaded, agents)
        self._stop.clear()
        self._scheduler = threading.Thread(target=self._schedule, name="trustmarket-scheduler")
        self._scheduler.daemon = True
        self._scheduler.start()
        self.ready = True

    def stop(self) -> None:
        """Stop the scheduler, finish queued writes, release the database."""
        self.ready = False
        self._stop.set()
        if self._scheduler is not None:
            self._scheduler.join()
            self._scheduler = None
        self.writer.stop()
        if self.agents.webhooks is not None:
            self.agents.webhooks.stop()
        self.engine.dispose()

    def _schedule(self) -> None:
        while not self._stop.wait(self.tick_interval):
            try:
                self.writer.call(self.market.tick_due)
            except Exception:  # keep ticking: one bad batch must not stop every auction
                _log.exception("a scheduled tick failed")

    def _publish(self, auction_id: str, _change: dict[str, Any]) -> None:
        self.streams.publish(f"auction:{auction_id}", auction_id)
        self.streams.publish("auctions", auction_id)
        # After-commit hooks run on the writer thread, which owns the engines.
        for name in self.market.interested(auction_id):
            self.streams.publish(f"account:{name}", auction_id)

    # -- running jobs ------------------------------------------------------------------------
    async def run(self, job: Callable[[Work], T]) -> T:
        """Run ``job`` on the writer and await its committed result."""
        return await asyncio.wrap_future(self.writer.submit(job))

    # -- tokens ------------------------------------------------------------------------------
    def principal(self, token: str) -> Principal:
        """The account a live bearer token belongs to (cached; logout evicts)."""
        key = accounts.token_hash(token)
        with self._tokens_lock:
            found = self._tokens.get(key)
            if found is not None:
                self._tokens.move_to_end(key)
                return found
        with Session(self.engine) as session:
            row = session.get(ApiToken, key)
            if row is None or row.revoked_at is not None:
                raise NotAuthenticated("the token is unknown, expired or revoked; log in again")
            account = session.get(Account, row.account_id)
            if account is None:  # pragma: no cover - the foreign key forbids it
                raise NotAuthenticated("the token's account no longer exists")
            principal = Principal(
                account.id, account.name, frozenset(account.roles.split(",")), row.kind
            )
        with self._tokens_lock:
            self._tokens[key] = principal
            if len(self._tokens) > _TOKEN_CACHE_SIZE:
                self._tokens.popitem(last=False)
        return principal

    def forget_token(self, token: str) -> None:
        """Evict a token (after it was revoked)."""
        with self._tokens_lock:
            self._tokens.pop(accounts.token_hash(token), None)

    def forget_account(self, account_id: str) -> None:
        """Evict every cached token of an account (after its roles changed)."""
        with self._tokens_lock:
            for key in [k for k, p in self._tokens.items() if p.account_id == account_id]:
                del self._tokens[key]

    def account_by_name(self, name: str) -> Account | None:
        """Read an account (outside the writer: for password checks)."""
        with Session(self.engine, expire_on_commit=False) as session:
            return session.scalar(select(Account).where(Account.name == name))
