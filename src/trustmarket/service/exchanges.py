"""Safe exchange plans executed step by step between two accounts (eExchangeHouse, eMediator
section 4; SPEC sections 5 and 9).

One party proposes an exchange: the problem (in the safe-exchange JSON format of
:mod:`trustmarket.analysis.safe_exchange.json_format`) and a plan, given or planned by the
service. The service refuses a plan that is not safe, naming its first unsafe state. The other
party accepts; then the plan's actions are confirmed one at a time by the party who acts (the
seller confirms each delivery, the buyer each payment), in the plan's order. A confirmation that
leaves the plan (the wrong party, the wrong action, another chunk or amount) is refused and
changes nothing. Either party may abandon the exchange at any time: the plan's safety means each
prefers to go on at every step, not that anyone is forced to. Every action is on the log.

A proposal is bounded like ``POST /api/tools/exchange/plan`` (the same caps, from
:mod:`trustmarket.service.routes.tools`): independent units of at most 10 items and 10,000 units
in all, planned within 10 seconds; a dependent table of at most 10 items and 10,000 states; a
divisible item of at most 100,000 pieces and 1,000 breakpoints per curve; a given plan of at most
20,001 steps. When the time runs out first the exchange goes on with the best plan found (safe
and checked, like every plan), marked ``proven: false`` with the ``lower_bound`` no plan can
beat. Planning runs in :meth:`Exchanges.prepare`, which needs no database, so the HTTP route
runs it in the thread pool and only the insert (:meth:`Exchanges.record`) on the writer.

The plan is stored with the exchange (and in its log event) together with how it was planned,
and every later request reads that stored plan: nothing is planned again, so a time-limited
plan cannot come out differently after a restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import insert, or_, select, update

from trustmarket.analysis.safe_exchange import (
    DependentTable,
    DivisibleItem,
    ExchangeProblem,
    IndependentUnits,
    Order,
    Plan,
    Safety,
    check_to_json,
    plan_from_json,
    plan_to_json,
    problem_from_json,
    result_to_json,
)
from trustmarket.analysis.safe_exchange.amounts import parse_amount
from trustmarket.core.errors import (
    InvalidExchange,
    NotPermitted,
    RejectedEvent,
    UnknownResource,
)
from trustmarket.service.ledger import ServiceLog
from trustmarket.service.principal import Principal
from trustmarket.service.routes.tools import (
    MAX_BREAKPOINTS,
    MAX_PIECES,
    MAX_PLAN_SECONDS,
    MAX_PLAN_STEPS,
    MAX_TABLE_ITEMS,
    MAX_TABLE_STATES,
    MAX_UNIT_ITEMS,
    MAX_UNITS,
)
from trustmarket.service.schema import Account, ExchangeAction, ExchangeRow
from trustmarket.service.writer import Work

__all__ = ["Exchanges", "PlanStepRefused", "Proposal", "check_size", "plan_actions"]

#: Seconds the service's planner may take for one proposal (the tools endpoint's most).
PLAN_SECONDS = MAX_PLAN_SECONDS


class PlanStepRefused(RejectedEvent):
    """A confirmed action is not the plan's next one (or the exchange is not running)."""

    code = "not_the_plan"


def plan_actions(plan: Plan) -> list[tuple[str, tuple[int, ...] | int]]:
    """The plan as a sequence of single actions: ``("deliver", chunk)`` and ``("pay", minor)``
    in the plan's order within each step."""
    actions: list[tuple[str, tuple[int, ...] | int]] = []
    for step in plan.steps:
        halves: list[tuple[str, tuple[int, ...] | int]] = []
        if step.delivers:
            halves.append(("deliver", step.deliver))
        if step.pays:
            halves.append(("pay", step.pay))
        if plan.order is Order.PAY_FIRST:
            halves.reverse()
        actions.extend(halves)
    return actions


def check_size(problem: ExchangeProblem, plan: Plan | None = None) -> None:
    """:class:`InvalidExchange` unless ``problem`` (and ``plan``) are within the service's caps
    for safe exchanges, those of ``POST /api/tools/exchange/plan`` (module docstring)."""
    goods = problem.goods
    if isinstance(goods, IndependentUnits):
        if len(goods.items) > MAX_UNIT_ITEMS:
            raise InvalidExchange(
                f"the service takes independent units of at most {MAX_UNIT_ITEMS} items; "
                f"this exchange has {len(goods.items)}"
            )
        total = sum(item.count for item in goods.items)
        if total > MAX_UNITS:
            raise InvalidExchange(
                f"the items have {total} units in all; the service takes at most {MAX_UNITS}"
            )
    elif isinstance(goods, DependentTable):
        if len(goods.item_names) > MAX_TABLE_ITEMS:
            raise InvalidExchange(
                f"the service takes a dependent table of at most {MAX_TABLE_ITEMS} items; "
                f"this exchange has {len(goods.item_names)}"
            )
        if goods.state_count > MAX_TABLE_STATES:
            raise InvalidExchange(
                f"these item counts make {goods.state_count} delivery states; the service "
                f"takes at most {MAX_TABLE_STATES}"
            )
    elif isinstance(goods, DivisibleItem):
        if goods.pieces > MAX_PIECES:
            raise InvalidExchange(
                f"the service takes a divisible item of at most {MAX_PIECES} pieces; this "
                f"one has {goods.pieces}"
            )
        longest = max(len(goods.seller_cost_curve), len(goods.buyer_value_curve))
        if longest > MAX_BREAKPOINTS:
            raise InvalidExchange(
                f"a curve has {longest} breakpoints; the service takes at most {MAX_BREAKPOINTS}"
            )
    if plan is not None and len(plan.steps) > MAX_PLAN_STEPS:
        raise InvalidExchange(
            f"the plan has {len(plan.steps)} steps; the service takes at most {MAX_PLAN_STEPS}"
        )


@dataclass(frozen=True)
class Proposal:
    """A proposal checked and planned by :meth:`Exchanges.prepare`, ready to be recorded:
    ``planned`` says how the service planned it (``objective``, ``optimum``, ``proven``,
    ``lower_bound``), or is None when the proposer gave the plan."""

    counterparty: str
    role: str
    problem_doc: dict[str, Any]
    problem: ExchangeProblem
    plan: Plan
    safety: Safety
    planned: dict[str, Any] | None


def _stored(plan_json: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The plan document and how it was planned, from the ``plan_json`` column: ``{"plan":
    ..., "planned": ...}``, or a bare plan document (exchanges recorded before the service
    said whether its plans were proven)."""
    stored = json.loads(plan_json)
    if "plan" in stored and "steps" not in stored:
        return stored["plan"], stored.get("planned")
    return stored, None


@dataclass
class Exchanges:
    """The exchanges of the service; every method runs on the writer thread. ``on_change``
    hooks get an exchange's id after a commit that recorded one of its actions."""

    log: ServiceLog
    on_change: list[Callable[[str], None]] = field(default_factory=list)

    @staticmethod
    def _load(work: Work, exchange_id: str) -> tuple[Any, ExchangeProblem, Plan]:
        row = work.connection.execute(
            select(ExchangeRow).where(ExchangeRow.id == exchange_id)
        ).one_or_none()
        if row is None:
            raise UnknownResource(f"there is no exchange {exchange_id!r}")
        problem = problem_from_json(json.loads(row.problem_json))
        plan_doc, _planned = _stored(row.plan_json)
        plan = plan_from_json(plan_doc, problem)
        return row, problem, plan

    @staticmethod
    def _check_role(who: Principal, counterparty: str, role: str) -> None:
        who.require("participant", "exchange goods")
        if role not in ("seller", "buyer"):
            raise InvalidExchange(f"role must be 'seller' or 'buyer', got {role!r}")
        if counterparty == who.name:
            raise InvalidExchange("an exchange needs two different accounts")

    def check_parties(self, work: Work, who: Principal, counterparty: str, role: str) -> None:
        """The caller may propose as ``role`` to ``counterparty``, an account that exists."""
        self._check_role(who, counterparty, role)
        known = work.connection.scalar(select(Account.id).where(Account.name == counterparty))
        if known is None:
            raise UnknownResource(f"there is no account {counterparty!r}")

    def prepare(
        self,
        who: Principal,
        counterparty: str,
        role: str,
        problem_doc: dict[str, Any],
        plan_doc: dict[str, Any] | None,
        objective: str,
        safety: str,
        *,
        time_limit: float | None = None,
    ) -> Proposal:
        """Read, bound (:func:`check_size`) and check a proposal; without a plan, plan one for
        ``objective`` and ``safety`` within ``time_limit`` seconds (default
        :data:`PLAN_SECONDS`). Needs no database: it may run off the writer, and may take
        that long. An unsafe plan is refused with its first unsafe state."""
        self._check_role(who, counterparty, role)
        problem = problem_from_json(problem_doc)
        check_size(problem)
        chosen = Safety.coerce(safety)
        planned: dict[str, Any] | None = None
        if plan_doc is None:
            seconds = PLAN_SECONDS if time_limit is None else time_limit
            result = problem.plan(objective, chosen, time_limit=seconds)
            if result.plan is None:
                out = result_to_json(result, problem)
                raise InvalidExchange(f"no safe plan exists: {out.get('reason')}")
            plan = result.plan
            planned = {
                "objective": result.objective.value,
                "optimum": result.optimum,
                "proven": result.proven,
                "lower_bound": result.lower_bound,
            }
        else:
            plan = plan_from_json(plan_doc, problem)
            check_size(problem, plan)
        verdict = problem.check(plan, chosen)
        if not verdict.safe:
            unsafe = check_to_json(verdict, problem)["first_unsafe"]
            raise InvalidExchange(
                f"the plan is not safe: at step {unsafe['step']} ({unsafe['moment']}) with "
                f"{unsafe['delivered']} delivered and {unsafe['paid']} paid, "
                f"{unsafe['defector']} would rather stop"
            )
        return Proposal(counterparty, role, problem_doc, problem, plan, chosen, planned)

    def record(self, work: Work, who: Principal, proposal: Proposal) -> dict[str, Any]:
        """Record a prepared proposal (on the writer): the plan is stored as it was planned,
        with ``planned``, and is never planned again."""
        counterparty, role = proposal.counterparty, proposal.role
        self.check_parties(work, who, counterparty, role)
        exchange_id = work.new_id()
        seller, buyer = (who.name, counterparty) if role == "seller" else (counterparty, who.name)
        plan_doc = plan_to_json(proposal.plan, proposal.problem)
        work.connection.execute(
            insert(ExchangeRow),
            {
                "id": exchange_id,
                "seller": seller,
                "buyer": buyer,
                "proposer": who.name,
                "problem_json": json.dumps(proposal.problem_doc, sort_keys=True),
                "plan_json": json.dumps(
                    {"plan": plan_doc, "planned": proposal.planned}, sort_keys=True
                ),
                "safety": proposal.safety.value,
                "done": 0,
                "status": "proposed",
                "created_at": work.now,
            },
        )
        self.log.append(
            work,
            {
                "type": "exchange_proposed",
                "exchange_id": exchange_id,
                "seller": seller,
                "buyer": buyer,
                "plan": plan_doc,
                "planned": proposal.planned,
            },
        )
        return self.describe(work, who, exchange_id)

    def propose(
        self,
        work: Work,
        who: Principal,
        counterparty: str,
        role: str,
        problem_doc: dict[str, Any],
        plan_doc: dict[str, Any] | None,
        objective: str,
        safety: str,
        *,
        time_limit: float | None = None,
    ) -> dict[str, Any]:
        """Propose an exchange to ``counterparty`` with the caller as ``role`` (seller or
        buyer): :meth:`check_parties`, :meth:`prepare` and :meth:`record` in one job. This
        plans on the calling thread; the HTTP route plans off the writer instead."""
        self.check_parties(work, who, counterparty, role)
        proposal = self.prepare(
            who,
            counterparty,
            role,
            problem_doc,
            plan_doc,
            objective,
            safety,
            time_limit=time_limit,
        )
        return self.record(work, who, proposal)

    def describe(self, work: Work, who: Principal, exchange_id: str) -> dict[str, Any]:
        """The exchange as its parties see it: the plan, what is done, what comes next.
        ``planned`` says how the service planned the plan (``objective``, ``optimum``,
        ``proven``, ``lower_bound``) and ``proven`` repeats whether that plan is proven optimal:
        false when the planner's time ran out first (the plan is the best found, safe and
        checked; no plan has fewer than ``lower_bound``); both None when the proposer gave the
        plan."""
        row, problem, plan = self._load(work, exchange_id)
        if who.name not in (row.seller, row.buyer) and not who.has("admin"):
            raise NotPermitted("an exchange is seen by its two parties only")
        plan_doc, planned = _stored(row.plan_json)
        actions = plan_actions(plan)
        upcoming = None
        if row.status == "active" and row.done < len(actions):
            kind, what = actions[row.done]
            upcoming = self._action_json(kind, what, problem, row)
        history = work.connection.execute(
            select(
                ExchangeAction.seq,
                ExchangeAction.actor,
                ExchangeAction.action,
                ExchangeAction.detail_json,
                ExchangeAction.time,
            )
            .where(ExchangeAction.exchange_id == exchange_id)
            .order_by(ExchangeAction.seq)
        ).all()
        return {
            "exchange_id": exchange_id,
            "seller": row.seller,
            "buyer": row.buyer,
            "proposer": row.proposer,
            "status": row.status,
            "safety": row.safety,
            "currency": problem.currency,
            "plan": plan_doc,
            "planned": planned,
            "proven": None if planned is None else planned["proven"],
            "actions": len(actions),
            "done": row.done,
            "next": upcoming,
            "history": [
                {
                    "seq": h.seq,
                    "actor": h.actor,
                    "action": h.action,
                    "detail": json.loads(h.detail_json),
                    "time": h.time,
                }
                for h in history
            ],
        }

    @staticmethod
    def _action_json(
        kind: str, what: tuple[int, ...] | int, problem: ExchangeProblem, row: Any
    ) -> dict[str, Any]:
        if kind == "deliver":
            assert isinstance(what, tuple)
            chunk = {n: k for n, k in zip(problem.items, what, strict=True) if k}
            return {"action": "deliver", "by": row.seller, "deliver": chunk}
        assert isinstance(what, int)
        return {"action": "pay", "by": row.buyer, "pay": problem.format(what)}

    def listing(self, work: Work, who: Principal) -> list[dict[str, Any]]:
        """The caller's exchanges, newest first."""
        rows = work.connection.execute(
            select(
                ExchangeRow.id,
                ExchangeRow.seller,
                ExchangeRow.buyer,
                ExchangeRow.status,
                ExchangeRow.done,
            )
            .where(or_(ExchangeRow.seller == who.name, ExchangeRow.buyer == who.name))
            .order_by(ExchangeRow.created_at.desc(), ExchangeRow.id)
        ).all()
        return [
            {
                "exchange_id": r.id,
                "seller": r.seller,
                "buyer": r.buyer,
                "status": r.status,
                "done": r.done,
            }
            for r in rows
        ]

    def _record(self, work: Work, row: Any, who: Principal, action: str, detail: Any) -> None:
        seq = 1 + int(
            work.connection.scalar(
                select(ExchangeAction.seq)
                .where(ExchangeAction.exchange_id == row.id)
                .order_by(ExchangeAction.seq.desc())
                .limit(1)
            )
            or 0
        )
        work.connection.execute(
            insert(ExchangeAction),
            {
                "exchange_id": row.id,
                "seq": seq,
                "actor": who.name,
                "action": action,
                "detail_json": json.dumps(detail, sort_keys=True),
                "time": work.now,
            },
        )
        self.log.append(
            work,
            {
                "type": "exchange_action",
                "exchange_id": row.id,
                "seq": seq,
                "actor": who.name,
                "action": action,
                "detail": detail,
            },
        )
        for hook in self.on_change:
            work.after_commit.append(partial(hook, row.id))

    def accept(self, work: Work, who: Principal, exchange_id: str) -> dict[str, Any]:
        """The counterparty agrees to the proposed plan; execution starts."""
        row, _problem, _plan = self._load(work, exchange_id)
        other = row.buyer if row.proposer == row.seller else row.seller
        if who.name != other:
            raise NotPermitted(f"only {other}, the counterparty, may accept this exchange")
        if row.status != "proposed":
            raise PlanStepRefused(f"the exchange is {row.status}; only a proposed one is accepted")
        work.connection.execute(
            update(ExchangeRow).where(ExchangeRow.id == exchange_id).values(status="active")
        )
        self._record(work, row, who, "accept", {})
        return self.describe(work, who, exchange_id)

    def abandon(self, work: Work, who: Principal, exchange_id: str) -> dict[str, Any]:
        """Either party walks away (nothing more is delivered or paid)."""
        row, _problem, _plan = self._load(work, exchange_id)
        if who.name not in (row.seller, row.buyer):
            raise NotPermitted("only the exchange's two parties may abandon it")
        if row.status not in ("proposed", "active"):
            raise PlanStepRefused(f"the exchange is already {row.status}")
        work.connection.execute(
            update(ExchangeRow).where(ExchangeRow.id == exchange_id).values(status="abandoned")
        )
        self._record(work, row, who, "abandon", {"after": row.done})
        return self.describe(work, who, exchange_id)

    def confirm(
        self,
        work: Work,
        who: Principal,
        exchange_id: str,
        action: str,
        deliver: dict[str, int] | None,
        pay: str | None,
    ) -> dict[str, Any]:
        """The acting party confirms the plan's next action; anything else is refused."""
        row, problem, plan = self._load(work, exchange_id)
        if who.name not in (row.seller, row.buyer):
            raise NotPermitted("only the exchange's two parties may act in it")
        if row.status != "active":
            raise PlanStepRefused(
                f"the exchange is {row.status}; actions are confirmed while it is active"
            )
        actions = plan_actions(plan)
        kind, what = actions[row.done]
        expected = self._action_json(kind, what, problem, row)
        if who.name != expected["by"]:
            raise PlanStepRefused(
                f"the plan's next action is {kind} by {expected['by']}, not an action of {who.name}"
            )
        if action != kind:
            raise PlanStepRefused(f"the plan's next action is {kind}, not {action}")
        given: dict[str, Any]
        if kind == "deliver":
            given = {"deliver": {k: v for k, v in (deliver or {}).items() if v}}
            if given["deliver"] != expected["deliver"]:
                raise PlanStepRefused(
                    f"the plan's next delivery is {expected['deliver']}, not {given['deliver']}"
                )
        else:
            if pay is None:
                raise PlanStepRefused(f"the plan's next payment is {expected['pay']}: give pay")
            paid = parse_amount(pay, problem.currency, "pay")
            given = {"pay": problem.format(paid)}
            if paid != what:
                raise PlanStepRefused(
                    f"the plan's next payment is {expected['pay']}, not {given['pay']}"
                )
        done = row.done + 1
        status = "done" if done == len(actions) else "active"
        work.connection.execute(
            update(ExchangeRow)
            .where(ExchangeRow.id == exchange_id)
            .values(done=done, status=status)
        )
        self._record(work, row, who, kind, given)
        return self.describe(work, who, exchange_id)
