"""The threat-indicator sharing exchange in the service (Simmons; SPEC sections 7 and 9).

The exchange is :class:`trustmarket.sharing.SharingExchange`, event-sourced like an auction:
every accepted request (an account joining with its tier, an incident recorded by an admin, an
indicator submitted, a panel member's review) is stored in ``sharing_events`` and the exchange
in memory is their replay, with a seed the service draws once and keeps, so the panels drawn on
replay are the panels drawn live. Every accepted request is on the service's transparency log;
verdicts and payouts follow from the reviews by the exchange's rules.

Members are accounts (the account name is the member id). The panel of each submission is
drawn from the other members, as in the paper; only the drawn reviewers may vote. A submission
is seen by its submitter and its panel while under review; verified indicators are in the pool,
which a member who contributed sees at once and others after the embargo.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import insert, select

from trustmarket.core.errors import InvalidInput, NoPanel, NotPermitted, UnknownResource
from trustmarket.service.ledger import ServiceLog
from trustmarket.service.principal import Principal
from trustmarket.service.schema import Account, ServiceIdentity, SharingEvent
from trustmarket.service.writer import Work
from trustmarket.sharing import SharingExchange, Submission

__all__ = ["Sharing"]

_SEED_NAME = "sharing_seed"


def _submission_json(submission: Submission, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission_id": submission.id,
        "member": submission.member,
        "category": submission.category,
        "time": submission.time,
        "verdict": submission.verdict,
        "severity": submission.severity,
        "scope": submission.scope,
        "payout": submission.payout,
        "indicator": json.loads(submission.indicator.serialize(sort_keys=True)),
    }
    if full:
        data["panel"] = list(submission.panel)
        data["votes"] = len(submission.reviews)
    return data


@dataclass
class Sharing:
    """The service's sharing exchange; every method runs on the writer thread. ``on_change``
    hooks get the kind of each recorded event after its commit."""

    log: ServiceLog
    exchange: SharingExchange | None = None
    on_change: list[Callable[[str], None]] = field(default_factory=list)
    _events: int = 0
    _stale: bool = field(default=True)

    def _seed(self, work: Work) -> int:
        text = work.connection.scalar(
            select(ServiceIdentity.value).where(ServiceIdentity.name == _SEED_NAME)
        )
        if text is None:
            seed = secrets.randbits(32)
            work.connection.execute(
                insert(ServiceIdentity), {"name": _SEED_NAME, "value": str(seed)}
            )
            return seed
        return int(text)

    def _live(self, work: Work) -> SharingExchange:
        if self.exchange is not None and not self._stale:
            return self.exchange
        exchange = SharingExchange(seed=self._seed(work))
        rows = work.connection.execute(
            select(
                SharingEvent.kind,
                SharingEvent.account,
                SharingEvent.payload_json,
                SharingEvent.time,
            ).order_by(SharingEvent.seq)
        ).all()
        for row in rows:
            self._apply(exchange, row.kind, row.account, json.loads(row.payload_json), row.time)
        self.exchange, self._events, self._stale = exchange, len(rows), False
        return exchange

    def _forget(self) -> None:
        self._stale = True

    @staticmethod
    def _apply(
        exchange: SharingExchange,
        kind: str,
        account: str | None,
        payload: dict[str, Any],
        time: int,
    ) -> Any:
        if kind == "join":
            return exchange.join(str(account), payload["tier"])
        if kind == "incident":
            return exchange.record_incident(payload["category"], time)
        if kind == "submit":
            # Events stored before panels came from the panel_member role have no
            # "reviewers": their panels were drawn from every member, and replay the same.
            reviewers = payload.get("reviewers")
            return exchange.submit(str(account), payload["indicator"], time, reviewers)
        if kind == "review":
            return exchange.review(
                payload["submission_id"],
                str(account),
                valid=payload["valid"],
                severity=payload["severity"],
                scope=payload["scope"],
                time=time,
            )
        raise InvalidInput(f"unknown sharing event {kind!r}")  # pragma: no cover

    def _do(self, work: Work, kind: str, who: Principal | None, payload: dict[str, Any]) -> Any:
        exchange = self._live(work)
        account = None if who is None else who.name
        result = self._apply(exchange, kind, account, payload, work.now)  # refusals change nothing
        work.on_rollback.append(self._forget)
        self._events += 1
        work.connection.execute(
            insert(SharingEvent),
            {
                "seq": self._events,
                "kind": kind,
                "account": account,
                "payload_json": json.dumps(payload, sort_keys=True),
                "time": work.now,
            },
        )
        self.log.append(
            work, {"type": f"sharing_{kind}", "account": account, "time": work.now, **payload}
        )
        for hook in self.on_change:
            work.after_commit.append(partial(hook, kind))
        return result

    # -- requests ------------------------------------------------------------------------------
    def join(self, work: Work, who: Principal, tier: str) -> dict[str, Any]:
        """The caller's account joins the exchange in ``tier``."""
        who.require("participant", "join the sharing exchange")
        member = self._do(work, "join", who, {"tier": tier})
        return {"member": member.id, "tier": member.tier.value}

    def incident(self, work: Work, who: Principal, category: str) -> dict[str, Any]:
        """An admin records an incident in ``category`` (it raises that category's rewards)."""
        who.require("admin", "record incidents")
        self._do(work, "incident", None, {"category": category})
        exchange = self._live(work)
        return {"category": category, "recent": exchange.recent_incidents(category, work.now)}

    def submit(self, work: Work, who: Principal, indicator: dict[str, Any]) -> dict[str, Any]:
        """The caller submits a STIX 2.1 Indicator; its panel is drawn from the members who
        hold the panel_member role (kept in the event, so a replay draws the same panel even
        after roles change)."""
        rows = work.connection.execute(
            select(Account.name, Account.roles).where(Account.roles.like("%panel_member%"))
        )
        exchange = self._live(work)
        reviewers = sorted(
            name
            for name, roles in rows
            if "panel_member" in roles.split(",") and name in exchange.members and name != who.name
        )
        payload = {"indicator": indicator, "reviewers": reviewers}
        try:
            submission = self._do(work, "submit", who, payload)
        except NoPanel as error:
            raise NoPanel(
                f"{error.message}: reviewers are members with the panel_member role, which "
                "an admin grants (PUT /api/accounts/{name}/roles)"
            ) from None
        return _submission_json(submission, full=True)

    def review(
        self,
        work: Work,
        who: Principal,
        submission_id: str,
        valid: bool,
        severity: str,
        scope: str,
    ) -> dict[str, Any]:
        """A drawn panel member votes; the verdict and payout follow the last vote."""
        payload = {
            "submission_id": submission_id,
            "valid": valid,
            "severity": severity,
            "scope": scope,
        }
        submission = self._do(work, "review", who, payload)
        return _submission_json(submission, full=True)

    # -- reading -------------------------------------------------------------------------------
    def submission(self, work: Work, who: Principal, submission_id: str) -> dict[str, Any]:
        """A submission: its submitter and panel see it under review; once verified, it is
        seen as the pool's rules allow."""
        exchange = self._live(work)
        found = exchange.submissions.get(submission_id)
        if found is None:
            raise UnknownResource(f"there is no submission {submission_id!r}")
        involved = who.name == found.member or who.name in found.panel or who.has("admin")
        if involved:
            return _submission_json(found, full=True)
        if who.name in exchange.members and found in exchange.pool(who.name, work.now):
            return _submission_json(found, full=False)
        raise NotPermitted(
            "a submission is seen by its submitter and panel, and by members once it is in "
            "their pool"
        )

    def me(self, work: Work, who: Principal) -> dict[str, Any]:
        """The caller's membership: tier, balance, reputation, and reviews waiting for it."""
        exchange = self._live(work)
        member = exchange.members.get(who.name)
        if member is None:
            raise UnknownResource(f"{who.name} is not a member of the sharing exchange; join")
        waiting = [
            s.id
            for s in exchange.submissions.values()
            if who.name in s.panel and who.name not in s.reviews and s.verdict is None
        ]
        return {
            "member": member.id,
            "tier": member.tier.value,
            "balance": exchange.balances[member.id],
            "contributor": exchange.contributor(member.id),
            "reputation": exchange.reputation.score(member.id),
            "to_review": waiting,
            "submitted": [s.id for s in exchange.submissions.values() if s.member == member.id],
        }

    def pool(self, work: Work, who: Principal) -> list[dict[str, Any]]:
        """The verified indicators the caller may see now."""
        exchange = self._live(work)
        if who.name not in exchange.members:
            raise UnknownResource(f"{who.name} is not a member of the sharing exchange; join")
        return [_submission_json(s, full=False) for s in exchange.pool(who.name, work.now)]
