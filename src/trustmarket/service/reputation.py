"""Feedback after settlement and reputation under every model (SPEC sections 4 and 9).

When an auction closes with its final clearing, each award (the winner buys from the auction's
owner) and each matched trade of a double auction becomes a settled transaction, in the same
commit as the closing. Each side may then leave one feedback on the other: a rating of -1, 0
or +1 and, optionally, the critical-attribute scores of the online-auction trust paper
(delivery, quality, price, 0 to 5). Every feedback is public and on the transparency log.

Every registered model of :mod:`trustmarket.reputation.models` (with its default parameters)
is kept in memory and fed each feedback it can read: the models that read critical attributes
take only the feedback that has them. A profile gives an account's score under each model and,
for one model, the explanation of its score. All methods run on the writer thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, or_, select

from trustmarket.core.errors import InvalidFeedback, NotPermitted, TrustmarketError, UnknownResource
from trustmarket.core.events import Outcome
from trustmarket.reputation.feedback import AttributeScale, Feedback
from trustmarket.reputation.model import ReputationModel
from trustmarket.reputation.models import make_model, model_names
from trustmarket.service.ledger import ServiceLog
from trustmarket.service.principal import Principal
from trustmarket.service.schema import FeedbackRow, TransactionRow
from trustmarket.service.writer import Work

__all__ = ["Reputation", "settled_transactions"]

#: The attribute scale feedback uses (the online-auction trust paper's).
SCALE = AttributeScale()
_RECENT = 50


def settled_transactions(
    auction_id: str, owner: str, outcome: Outcome, time: int
) -> list[dict[str, Any]]:
    """The transactions of a final outcome: one per award (the owner sells) and per trade."""
    rows = []
    for award in outcome.awards:
        if award.bidder == owner:
            continue  # an owner who wins her own auction trades with nobody
        rows.append(
            {
                "id": f"{auction_id}:{award.bid_id}",
                "auction_id": auction_id,
                "buyer": award.bidder,
                "seller": owner,
                "value": award.payment.minor,
                "currency": award.payment.currency,
                "time": time,
            }
        )
    for trade in outcome.trades:
        rows.append(
            {
                "id": f"{auction_id}:{trade.buy_order}:{trade.sell_order}",
                "auction_id": auction_id,
                "buyer": trade.buyer,
                "seller": trade.seller,
                "value": trade.unit_price.minor * trade.quantity,
                "currency": trade.unit_price.currency,
                "time": time,
            }
        )
    return rows


def _attributes(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@dataclass
class Reputation:
    """Transactions, feedback and the reputation models of the service."""

    log: ServiceLog
    models: dict[str, ReputationModel] = field(default_factory=dict)

    def _fresh(self) -> None:
        self.models = {name: make_model(name) for name in model_names()}

    def load(self, work: Work) -> int:
        """Feed every stored feedback into fresh models (at start, or after a rollback)."""
        self._fresh()
        rows = work.connection.execute(select(FeedbackRow).order_by(FeedbackRow.time)).all()
        feedback = [self._feedback(row) for row in rows]
        for item in feedback:
            self._feed(item)
        return len(feedback)

    @staticmethod
    def _feedback(row: Any) -> Feedback:
        attributes = None if row.attributes_json is None else json.loads(row.attributes_json)
        return Feedback(
            transaction=row.transaction_id,
            rater=row.rater,
            subject=row.subject,
            rating=row.rating,
            time=row.time,
            value=row.value,
            attributes=None if attributes is None else tuple(attributes),
        )

    def _feed(self, feedback: Feedback) -> None:
        for model in self.models.values():
            try:
                model.update(feedback)
            except InvalidFeedback:
                continue  # e.g. a model that reads attributes, and this feedback has none

    # -- settlement ----------------------------------------------------------------------------
    def settle(self, work: Work, auction_id: str, owner: str, outcome: Outcome) -> None:
        """Record the settled transactions of a final outcome (in the closing's batch)."""
        rows = settled_transactions(auction_id, owner, outcome, work.now)
        if rows:
            work.connection.execute(insert(TransactionRow), rows)

    def transactions(self, work: Work, who: Principal) -> list[dict[str, Any]]:
        """The caller's settled transactions, each with whether each side has rated it."""
        rows = work.connection.execute(
            select(TransactionRow)
            .where(or_(TransactionRow.buyer == who.name, TransactionRow.seller == who.name))
            .order_by(TransactionRow.time.desc(), TransactionRow.id)
        ).all()
        raters: dict[str, set[str]] = {}
        rated = work.connection.execute(
            select(FeedbackRow.transaction_id, FeedbackRow.rater).where(
                FeedbackRow.transaction_id.in_([row.id for row in rows])
            )
        )
        for transaction_id, rater in rated:
            raters.setdefault(transaction_id, set()).add(rater)
        out = []
        for row in rows:
            who_rated = raters.get(row.id, set())
            out.append(
                {
                    "transaction_id": row.id,
                    "auction_id": row.auction_id,
                    "buyer": row.buyer,
                    "seller": row.seller,
                    "value": {"minor": row.value, "currency": row.currency},
                    "time": row.time,
                    "you_rated": who.name in who_rated,
                    "they_rated": bool(who_rated - {who.name}),
                }
            )
        return out

    # -- feedback ------------------------------------------------------------------------------
    def leave(
        self,
        work: Work,
        who: Principal,
        transaction_id: str,
        rating: int,
        attributes: list[float] | None,
    ) -> dict[str, Any]:
        """The caller rates the other side of one of her transactions, once."""
        who.require("participant", "leave feedback")
        self._ensure(work)
        row = work.connection.execute(
            select(TransactionRow).where(TransactionRow.id == transaction_id)
        ).one_or_none()
        if row is None:
            raise UnknownResource(f"there is no settled transaction {transaction_id!r}")
        transaction = row
        if who.name not in (transaction.buyer, transaction.seller):
            raise NotPermitted(
                f"only the buyer ({transaction.buyer}) and the seller ({transaction.seller}) "
                f"of transaction {transaction_id!r} may rate it"
            )
        subject = transaction.seller if who.name == transaction.buyer else transaction.buyer
        done = work.connection.scalar(
            select(FeedbackRow.rater).where(
                FeedbackRow.transaction_id == transaction_id, FeedbackRow.rater == who.name
            )
        )
        if done is not None:
            raise InvalidFeedback(
                f"{who.name} has already rated transaction {transaction_id!r}; one feedback "
                "per side"
            )
        try:
            feedback = Feedback(
                transaction=transaction_id,
                rater=who.name,
                subject=subject,
                rating=rating,
                time=work.now,
                value=transaction.value,
                attributes=None if attributes is None else tuple(attributes),
            )
            if feedback.attributes is not None:
                SCALE.check(feedback.attributes)
        except TrustmarketError as error:
            raise InvalidFeedback(error.message) from None
        work.connection.execute(
            insert(FeedbackRow),
            {
                "transaction_id": transaction_id,
                "rater": who.name,
                "subject": subject,
                "rating": rating,
                "attributes_json": None if attributes is None else json.dumps(attributes),
                "value": transaction.value,
                "time": work.now,
            },
        )
        self._feed(feedback)
        work.on_rollback.append(self._forget_models)
        index = self.log.append(
            work,
            {
                "type": "feedback",
                "transaction_id": transaction_id,
                "rater": who.name,
                "subject": subject,
                "rating": rating,
                "attributes": attributes,
            },
        )
        return {
            "transaction_id": transaction_id,
            "rater": who.name,
            "subject": subject,
            "rating": rating,
            "attributes": attributes,
            "log_index": index,
        }

    def _forget_models(self) -> None:
        # After a rollback the models hold a feedback the database does not: rebuild them
        # from the database on the next use.
        self.models = {}

    def _ensure(self, work: Work) -> None:
        if not self.models:
            self.load(work)

    # -- profiles ------------------------------------------------------------------------------
    @staticmethod
    def _check_model(model: str) -> None:
        # The registry, not self.models: those are empty between a rollback and their reload.
        if model not in model_names():
            raise InvalidFeedback(
                f"unknown reputation model {model!r}; allowed: {', '.join(model_names())}"
            )

    def profile(self, work: Work, name: str, model: str | None) -> dict[str, Any]:
        """An account's scores under every model, its received feedback (newest first), and
        with ``model`` the explanation of that model's score."""
        self._ensure(work)
        if model is not None:
            self._check_model(model)
        rows = work.connection.execute(
            select(FeedbackRow)
            .where(FeedbackRow.subject == name)
            .order_by(FeedbackRow.time.desc())
            .limit(_RECENT)
        ).all()
        scores = {}
        for key, instance in self.models.items():
            scores[key] = {
                "score": instance.score(name),
                "uses_attributes": instance.properties.uses_attributes,
            }
        data: dict[str, Any] = {
            "account": name,
            "scores": scores,
            "feedback": [
                {
                    "transaction_id": r.transaction_id,
                    "rater": r.rater,
                    "rating": r.rating,
                    "attributes": None
                    if r.attributes_json is None
                    else json.loads(r.attributes_json),
                    "value": r.value,
                    "time": r.time,
                }
                for r in rows
            ],
        }
        if model is not None:
            data["explanation"] = self.models[model].explain(name).to_json()
        return data

    def history(self, work: Work, name: str, model: str, points: int = 60) -> list[Any]:
        """``name``'s score under ``model`` over time: ``[time, score]`` right after each of
        the last ``points`` feedbacks about it. A fresh model is fed every stored feedback in
        time order (models such as EigenTrust read feedback about others too) and scored only
        at those moments, so the cost is one pass plus ``points`` scorings."""
        self._check_model(model)
        rows = work.connection.execute(
            select(FeedbackRow).order_by(FeedbackRow.time, FeedbackRow.transaction_id)
        ).all()
        about = [i for i, row in enumerate(rows) if row.subject == name]
        wanted = set(about[-points:])
        fresh = make_model(model)
        out: list[Any] = []
        for i, row in enumerate(rows):
            try:
                fresh.update(self._feedback(row))
            except InvalidFeedback:
                continue  # a model that reads attributes, and this feedback has none
            if i in wanted:
                out.append([row.time, fresh.score(name)])
        return out
