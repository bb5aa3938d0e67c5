"""The service's tables (SQLAlchemy 2 declarative). Alembic's migrations in
:mod:`trustmarket.service.migrations` create them; this module is what the code reads and
writes through.

Auction state is not stored: an auction row holds its configuration, and its state is the
replay of its ``auction_events`` (SPEC section 1). Money columns are integer minor units.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ROLES",
    "Account",
    "Agent",
    "AgentActivity",
    "ApiToken",
    "Auction",
    "AuctionEvent",
    "Base",
    "ExchangeAction",
    "ExchangeRow",
    "FeedbackRow",
    "LedgerEntry",
    "LedgerNode",
    "ServiceIdentity",
    "SharingEvent",
    "TransactionRow",
]

#: The roles of SPEC section 9.
ROLES = ("participant", "auction_owner", "panel_member", "admin")


class Base(DeclarativeBase):
    """The service's metadata."""


class Account(Base):
    """A person or an agent's owner; ``password_hash`` is an argon2id hash."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200), default="participant")
    created_at: Mapped[int] = mapped_column(BigInteger)


class ApiToken(Base):
    """A bearer token (a login session or an agent's API token); only its SHA-256 is kept, and
    a revoked token stays as a row so that replaying it is refused."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Auction(Base):
    """An auction's mechanism, configuration and rules (JSON), and its owner."""

    __tablename__ = "auctions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    mechanism: Mapped[str] = mapped_column(String(64))
    config_json: Mapped[str] = mapped_column(Text)
    rules_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200), default="")
    #: "open" or "closed"; kept for listings, the events decide.
    status: Mapped[str] = mapped_column(String(16), default="open")


class AuctionEvent(Base):
    """One accepted input event of an auction, in order; replaying them gives its state."""

    __tablename__ = "auction_events"
    __table_args__ = (UniqueConstraint("auction_id", "event_id"),)

    auction_id: Mapped[str] = mapped_column(
        ForeignKey("auctions.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))
    event_json: Mapped[str] = mapped_column(Text)
    #: Who sent it (None: the service itself, e.g. the scheduler's ticks).
    account_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    #: The random salt of the event's digest on the transparency log (hides sealed bids).
    salt: Mapped[bytes | None] = mapped_column(LargeBinary(16), nullable=True)
    log_index: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class LedgerEntry(Base):
    """One entry of the transparency log (its canonical JSON bytes)."""

    __tablename__ = "ledger_entries"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class LedgerNode(Base):
    """The hash of one complete subtree of the log (see trustmarket.ledger.stores.base)."""

    __tablename__ = "ledger_nodes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class ServiceIdentity(Base):
    """Named secrets of the service, such as the log's signing key (PEM)."""

    __tablename__ = "service_identity"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Agent(Base):
    """A server-side agent: a template with parameters, acting for its account."""

    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    template: Mapped[str] = mapped_column(String(32))
    auction_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    params_json: Mapped[str] = mapped_column(Text)
    #: "active", "paused" or "removed" (a removed agent keeps its history).
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger)


class AgentActivity(Base):
    """One thing an agent did (a bid, a refusal, a notification delivered or failed)."""

    __tablename__ = "agent_activity"

    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    detail_json: Mapped[str] = mapped_column(Text)


class TransactionRow(Base):
    """A settled trade of a closed auction: an award (the winner buys from the auction's
    owner) or a matched trade of a double auction; value in minor units."""

    __tablename__ = "transactions"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    auction_id: Mapped[str] = mapped_column(String(64))
    buyer: Mapped[str] = mapped_column(String(64))
    seller: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    time: Mapped[int] = mapped_column(BigInteger)


class FeedbackRow(Base):
    """One side's feedback on a transaction (one per side)."""

    __tablename__ = "feedback"

    transaction_id: Mapped[str] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True
    )
    rater: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)
    attributes_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    value: Mapped[int] = mapped_column(BigInteger)
    time: Mapped[int] = mapped_column(BigInteger)


class ExchangeRow(Base):
    """A safe exchange between a seller and a buyer: the problem and the agreed plan (JSON in
    the safe-exchange format), how many actions are done, and its status (proposed, active,
    done, abandoned)."""

    __tablename__ = "exchanges"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    seller: Mapped[str] = mapped_column(String(64))
    buyer: Mapped[str] = mapped_column(String(64))
    proposer: Mapped[str] = mapped_column(String(64))
    problem_json: Mapped[str] = mapped_column(Text)
    plan_json: Mapped[str] = mapped_column(Text)
    safety: Mapped[str] = mapped_column(String(32))
    done: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger)


class ExchangeAction(Base):
    """One confirmed action of an exchange (a delivery or a payment, or accept/abandon)."""

    __tablename__ = "exchange_actions"

    exchange_id: Mapped[str] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    detail_json: Mapped[str] = mapped_column(Text)
    time: Mapped[int] = mapped_column(BigInteger)


class SharingEvent(Base):
    """One accepted request to the sharing exchange (join, incident, submission, review); the
    exchange's state is their replay, like an auction's."""

    __tablename__ = "sharing_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    account: Mapped[str | None] = mapped_column(String(64), nullable=True)
    payload_json: Mapped[str] = mapped_column(Text)
    time: Mapped[int] = mapped_column(BigInteger)
