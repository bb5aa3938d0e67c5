"""Server-side agents: the templates of :mod:`trustmarket.agents`, deployed by an account with
parameters, run by the service after every change of the auctions they watch (SPEC section 9).

An agent acts as its owner: it is given its owner's view of the auction (so a sealed bid stays
hidden from it too) and its actions go through :meth:`Market.act` with its owner's roles, on the
transparency log like any bid. It runs no user code. Agents run on the writer thread, in a job
queued after the batch that changed their auction, so an agent's bid is a new event after the
one it answers. Webhooks (the information and discover agents) are sent from a thread of their
own, with retries, and their outcome is recorded as the agent's activity.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, insert, select, update

from trustmarket.agents import (
    TEMPLATES,
    discover_matches,
    dutch_threshold,
    incrementor,
    information_wanted,
    n_agent,
)
from trustmarket.agents.templates import Action
from trustmarket.core.errors import (
    InvalidInput,
    NotPermitted,
    TrustmarketError,
    UnknownResource,
)
from trustmarket.core.events import OUTPUT_EVENTS
from trustmarket.core.money import Money
from trustmarket.service.errors import validation_message
from trustmarket.service.ledger import ServiceLog
from trustmarket.service.market import Market
from trustmarket.service.models import Amount
from trustmarket.service.principal import Principal
from trustmarket.service.schema import Account, Agent, AgentActivity
from trustmarket.service.writer import Work, Writer

__all__ = ["AGENT_PARAMS", "Agents", "Webhooks"]

_log = logging.getLogger("trustmarket.service.agents")
#: Activity kept per agent in a listing (the full history is in the database).
_RECENT = 20


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class IncrementorParams(_Params):
    """The private maximum the incrementor bids up to."""

    max_amount: Amount


class NAgentParams(_Params):
    """The owner's value v and the number of bidders N."""

    value: Amount
    bidders: int = Field(ge=2, le=100_000)


class DutchThresholdParams(_Params):
    """The clock price at or below which the agent accepts."""

    threshold: Amount


Webhook = Annotated[str, Field(max_length=2000, pattern=r"^https?://[^\s]+$")]


class DiscoverParams(_Params):
    """What to look for, and where to report it (optional)."""

    mechanism: str | None = Field(default=None, max_length=64)
    title_contains: str | None = Field(default=None, max_length=200)
    webhook: Webhook | None = None


class InformationParams(_Params):
    """Which output events of the auction to report, and where."""

    webhook: Webhook
    events: list[str] = Field(min_length=1, max_length=len(OUTPUT_EVENTS))


AGENT_PARAMS: dict[str, type[_Params]] = {
    "incrementor": IncrementorParams,
    "n_agent": NAgentParams,
    "dutch_threshold": DutchThresholdParams,
    "discover": DiscoverParams,
    "information": InformationParams,
}
_BIDDING = {"incrementor", "n_agent", "dutch_threshold"}


@dataclass
class LiveAgent:
    """An agent in memory."""

    id: str
    owner: Principal
    template: str
    auction_id: str | None
    params: dict[str, Any]
    status: str
    activity: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.id,
            "owner": self.owner.name,
            "template": self.template,
            "auction_id": self.auction_id,
            "params": self.params,
            "status": self.status,
            "activity_count": self.activity,
        }


@dataclass
class Delivery:
    """One webhook notification to send."""

    agent_id: str
    url: str
    payload: dict[str, Any]


class Webhooks:
    """Sends notifications from a thread of its own: ``attempts`` tries with growing pauses;
    the outcome is handed to ``record`` (which records it as the agent's activity)."""

    def __init__(
        self,
        record: Callable[[str, str, dict[str, Any]], None],
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        timeout: float = 5.0,
    ) -> None:
        self._record = record
        self.attempts = attempts
        self.backoff = backoff
        self.timeout = timeout
        self._queue: queue.SimpleQueue[Delivery | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="trustmarket-webhooks")
            self._thread.daemon = True
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(self.timeout * self.attempts + 5)
            self._thread = None

    def send(self, delivery: Delivery) -> None:
        self._queue.put(delivery)

    def _loop(self) -> None:
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as http:
            while (delivery := self._queue.get()) is not None:
                self._deliver(http, delivery)

    def _deliver(self, http: httpx.Client, delivery: Delivery) -> None:
        last = ""
        for attempt in range(1, self.attempts + 1):
            try:
                response = http.post(delivery.url, json=delivery.payload)
                if response.status_code < 300:
                    self._record(
                        delivery.agent_id,
                        "delivered",
                        {"url": delivery.url, "attempts": attempt, "status": response.status_code},
                    )
                    return
                last = f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {error}"
            if attempt < self.attempts:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        self._record(
            delivery.agent_id,
            "failed",
            {"url": delivery.url, "attempts": self.attempts, "error": last[:300]},
        )


@dataclass
class Agents:
    """Every agent of the service; the methods taking a Work run on the writer thread."""

    market: Market
    log: ServiceLog
    writer: Writer
    webhooks: Webhooks | None = None
    _agents: dict[str, LiveAgent] = field(default_factory=dict)

    # -- loading and bookkeeping ---------------------------------------------------------------
    def load(self, work: Work) -> int:
        """Read every agent that is not removed (at start)."""
        rows = work.connection.execute(
            select(
                Agent.id,
                Agent.account_id,
                Agent.template,
                Agent.auction_id,
                Agent.params_json,
                Agent.status,
                Account.name,
                Account.roles,
            )
            .join(Account, Account.id == Agent.account_id)
            .where(Agent.status != "removed")
        ).all()
        for agent in rows:
            name, roles = agent.name, agent.roles
            count = work.connection.scalar(
                select(func.count())
                .select_from(AgentActivity)
                .where(AgentActivity.agent_id == agent.id)
            )
            self._agents[agent.id] = LiveAgent(
                id=agent.id,
                owner=Principal(agent.account_id, name, frozenset(roles.split(",")), "agent"),
                template=agent.template,
                auction_id=agent.auction_id,
                params=json.loads(agent.params_json),
                status=agent.status,
                activity=int(count or 0),
            )
        return len(rows)

    def _record(self, work: Work, agent: LiveAgent, kind: str, detail: dict[str, Any]) -> None:
        agent.activity += 1
        work.on_rollback.append(lambda: self._undo_count(agent))
        work.connection.execute(
            insert(AgentActivity),
            {
                "agent_id": agent.id,
                "seq": agent.activity,
                "time": work.now,
                "kind": kind,
                "detail_json": json.dumps(detail, sort_keys=True),
            },
        )

    def _drop(self, agent_id: str) -> None:
        self._agents.pop(agent_id, None)

    @staticmethod
    def _undo_count(agent: LiveAgent) -> None:
        agent.activity -= 1

    def record_delivery(self, agent_id: str, kind: str, detail: dict[str, Any]) -> None:
        """Record a webhook's outcome (called from the webhook thread)."""

        def job(work: Work) -> None:
            agent = self._agents.get(agent_id)
            if agent is not None:
                self._record(work, agent, kind, detail)

        self.writer.submit(job)

    def _own(self, agent_id: str, who: Principal) -> LiveAgent:
        agent = self._agents.get(agent_id) if isinstance(agent_id, str) else None
        if agent is None or agent.status == "removed":
            raise UnknownResource(f"there is no agent {agent_id!r}")
        if agent.owner.account_id != who.account_id and not who.has("admin"):
            raise NotPermitted("an agent is managed by the account that deployed it")
        return agent

    # -- deploying and managing ---------------------------------------------------------------
    def deploy(
        self,
        work: Work,
        owner: Principal,
        template: str,
        auction_id: str | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        """Deploy ``template`` with ``params`` for ``owner`` (on ``auction_id`` for the bidding
        and information templates); it runs at once on the auction's current state."""
        if template not in TEMPLATES:
            raise InvalidInput(
                f"unknown agent template {template!r}; allowed: {', '.join(TEMPLATES)}"
            )
        try:
            checked = AGENT_PARAMS[template].model_validate(params).model_dump()
        except ValidationError as error:
            raise InvalidInput(
                f"{template} parameters: {validation_message(list(error.errors()))}"
            ) from None
        if template == "information" and not set(checked["events"]) <= set(OUTPUT_EVENTS):
            unknown = sorted(set(checked["events"]) - set(OUTPUT_EVENTS))
            raise InvalidInput(
                f"unknown event kind(s) {', '.join(unknown)}; allowed: {', '.join(OUTPUT_EVENTS)}"
            )
        if template == "discover":
            if auction_id is not None:
                raise InvalidInput("a discover agent watches every auction: give no auction_id")
        else:
            if auction_id is None:
                raise InvalidInput(f"a {template} agent needs the auction_id it acts in")
            view = self.market.describe(work, auction_id, owner)
            wanted = TEMPLATES[template].mechanisms
            if wanted and view["mechanism"] not in wanted:
                raise InvalidInput(
                    f"the {template} agent acts in {', '.join(wanted)} auctions; "
                    f"auction {auction_id!r} is {view['mechanism']}"
                )
            if template in _BIDDING:
                owner.require("participant", "deploy a bidding agent")
                for name in ("max_amount", "value", "threshold"):
                    if name in checked:
                        try:
                            Money.parse(checked[name], view["currency"]).require_price(name)
                        except TrustmarketError as error:
                            raise type(error)(f"{name}: {error.message}") from None
        agent_id = work.new_id()
        work.connection.execute(
            insert(Agent),
            {
                "id": agent_id,
                "account_id": owner.account_id,
                "template": template,
                "auction_id": auction_id,
                "params_json": json.dumps(checked, sort_keys=True),
                "status": "active",
                "created_at": work.now,
            },
        )
        actor = Principal(owner.account_id, owner.name, owner.roles, "agent")
        agent = LiveAgent(agent_id, actor, template, auction_id, checked, "active")
        self._agents[agent_id] = agent
        work.on_rollback.append(lambda: self._drop(agent_id))
        self.log.append(
            work,
            {
                "type": "agent_deployed",
                "agent_id": agent_id,
                "owner": owner.name,
                "template": template,
                "auction_id": auction_id,
            },
        )
        if auction_id is not None and template in _BIDDING:
            self._run_one(work, agent)
        return agent.to_json()

    def set_status(self, work: Work, who: Principal, agent_id: str, status: str) -> dict[str, Any]:
        """Pause, resume or remove an agent (its history stays)."""
        agent = self._own(agent_id, who)
        if status not in ("active", "paused", "removed"):
            raise InvalidInput(f"unknown agent status {status!r}; allowed: active, paused, removed")
        previous = agent.status
        agent.status = status
        work.on_rollback.append(lambda: setattr(agent, "status", previous))
        work.connection.execute(update(Agent).where(Agent.id == agent_id).values(status=status))
        self.log.append(
            work, {"type": "agent_status", "agent_id": agent_id, "status": status, "by": who.name}
        )
        if status == "removed":
            work.after_commit.append(lambda: self._drop(agent_id))
        elif status == "active" and agent.auction_id is not None and agent.template in _BIDDING:
            self._run_one(work, agent)
        return agent.to_json()

    def listing(self, work: Work, who: Principal) -> list[dict[str, Any]]:
        """The caller's agents."""
        return [
            a.to_json()
            for a in self._agents.values()
            if a.owner.account_id == who.account_id and a.status != "removed"
        ]

    def describe(self, work: Work, who: Principal, agent_id: str) -> dict[str, Any]:
        """One agent with its most recent activity, newest first."""
        agent = self._own(agent_id, who)
        rows = work.connection.execute(
            select(
                AgentActivity.seq, AgentActivity.time, AgentActivity.kind, AgentActivity.detail_json
            )
            .where(AgentActivity.agent_id == agent_id)
            .order_by(AgentActivity.seq.desc())
            .limit(_RECENT)
        ).all()
        return {
            **agent.to_json(),
            "activity": [
                {"seq": r.seq, "time": r.time, "kind": r.kind, "detail": json.loads(r.detail_json)}
                for r in rows
            ],
        }

    # -- running -------------------------------------------------------------------------------
    def changed(self, auction_id: str, change: dict[str, Any]) -> None:
        """After a commit (on the writer thread): queue a run for the agents that care."""
        watching = [
            a
            for a in self._agents.values()
            if a.status == "active"
            and (a.auction_id == auction_id or (a.template == "discover" and change["seq"] == 0))
        ]
        if watching:
            self.writer.submit(lambda work: self.run(work, auction_id, change))

    def run(self, work: Work, auction_id: str, change: dict[str, Any]) -> None:
        """Let every active agent of ``auction_id`` act on its change."""
        for agent in list(self._agents.values()):
            if agent.status != "active":
                continue
            if agent.template == "discover":
                if change["seq"] == 0:
                    self._discover(work, agent, auction_id)
            elif agent.auction_id != auction_id:
                continue
            elif agent.template == "information":
                self._inform(work, agent, auction_id, change)
            else:
                self._run_one(work, agent)

    def _decide(self, agent: LiveAgent, view: dict[str, Any]) -> list[Action]:
        p, currency = agent.params, view["currency"]
        if agent.template == "incrementor":
            return incrementor(view, Money.parse(p["max_amount"], currency))
        if agent.template == "n_agent":
            return n_agent(view, Money.parse(p["value"], currency), p["bidders"])
        if agent.template == "dutch_threshold":
            return dutch_threshold(view, Money.parse(p["threshold"], currency))
        return []

    def _run_one(self, work: Work, agent: LiveAgent) -> None:
        assert agent.auction_id is not None
        view = self.market.describe(work, agent.auction_id, agent.owner)
        for action in self._decide(agent, view):
            try:
                receipt = self.market.act(
                    work, agent.auction_id, agent.owner, action.action, action.fields
                )
            except TrustmarketError as error:
                self._record(
                    work, agent, "refused", {"action": action.action, "message": error.message}
                )
                return
            self._record(
                work,
                agent,
                "acted",
                {"action": action.action, "fields": action.fields, "seq": receipt["seq"]},
            )

    def _inform(
        self, work: Work, agent: LiveAgent, auction_id: str, change: dict[str, Any]
    ) -> None:
        kinds = information_wanted(change["caused"], agent.params["events"])
        if not kinds or self.webhooks is None:
            return
        payload = {
            "agent_id": agent.id,
            "auction_id": auction_id,
            "seq": change["seq"],
            "events": kinds,
            "view": self.market.describe(work, auction_id, agent.owner),
        }
        delivery = Delivery(agent.id, agent.params["webhook"], payload)
        work.after_commit.append(lambda: self._send(delivery))

    def _discover(self, work: Work, agent: LiveAgent, auction_id: str) -> None:
        rows = [r for r in self.market.listing(work, "open", None) if r["auction_id"] == auction_id]
        found = discover_matches(
            rows,
            mechanism=agent.params.get("mechanism"),
            title_contains=agent.params.get("title_contains"),
        )
        if not found:
            return
        self._record(work, agent, "found", {"auction_id": auction_id, "title": rows[0]["title"]})
        url = agent.params.get("webhook")
        if url is not None:
            delivery = Delivery(agent.id, url, {"agent_id": agent.id, "found": rows[0]})
            work.after_commit.append(lambda: self._send(delivery))

    def _send(self, delivery: Delivery) -> None:
        if self.webhooks is not None:
            self.webhooks.send(delivery)
