"""The service's transparency log: every state change is an entry (SPEC sections 6 and 9).

The log's Ed25519 key is made on first start and kept in the ``service_identity`` table, so the
log survives restarts with the same identity; clients pin its public key. Entries are canonical
JSON. An auction event is entered as a salted digest, not in clear: a sealed bid must not be
readable from the public log before clearing, yet its bidder, who gets the salt in her receipt,
can recompute the entry and check its inclusion proof (:func:`event_entry`).

All appends and reads run on the writer thread (:mod:`trustmarket.service.writer`), because the
store keeps the tree's right edge in memory.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine, insert, select

from trustmarket.ledger.canonical import canonical_json
from trustmarket.ledger.keys import KeyPair
from trustmarket.ledger.log import ConsistencyProof, InclusionProof, TransparencyLog, TreeHead
from trustmarket.service.ledger_store import DatabaseStore
from trustmarket.service.schema import ServiceIdentity
from trustmarket.service.writer import Work

__all__ = ["ServiceLog", "event_digest", "event_entry"]

_KEY_NAME = "log_signing_key"


def event_digest(salt: bytes, event: dict[str, Any]) -> str:
    """``SHA-256(salt || canonical_json(event))`` in hex: the event's commitment on the log."""
    return hashlib.sha256(salt + canonical_json(event)).hexdigest()


def event_entry(auction_id: str, seq: int, salt: bytes, event: dict[str, Any]) -> dict[str, Any]:
    """The log entry of an auction's ``seq``-th input event."""
    return {
        "type": "auction_event",
        "auction_id": auction_id,
        "seq": seq,
        "digest": event_digest(salt, event),
    }


def _load_key(engine: Engine) -> KeyPair:
    with engine.begin() as connection:
        pem = connection.scalar(
            select(ServiceIdentity.value).where(ServiceIdentity.name == _KEY_NAME)
        )
        if pem is not None:
            return KeyPair.from_pem(pem)
        key = KeyPair.generate()
        connection.execute(
            insert(ServiceIdentity), {"name": _KEY_NAME, "value": key.pem().decode("ascii")}
        )
        return key


class ServiceLog:
    """The log in the service database, signed with the service's key."""

    def __init__(self, engine: Engine) -> None:
        self.store = DatabaseStore(engine)
        self.log = TransparencyLog(_load_key(engine), self.store)

    def append(self, work: Work, entry: dict[str, Any]) -> int:
        """Append ``entry`` to the log in the batch's transaction; return its index. The
        batch's entries are written together just before its commit, so an entry read in the
        same batch is not there yet (nobody has been told its index by then)."""
        if "log" not in work.pending:
            work.on_rollback.insert(0, self.store.reload)
        return self.log.size + work.defer("log", entry, lambda items: self._flush(work, items))

    def _flush(self, work: Work, entries: list[dict[str, Any]]) -> None:
        with self.store.bound(work.connection):
            self.log.append_many(entries)

    def tree_head(self, work: Work, size: int | None = None) -> TreeHead:
        """The signed head of the first ``size`` entries (default all), stamped in ms."""
        with self.store.bound(work.connection):
            return self.log.tree_head(work.now * 1000, size)

    def entry(self, work: Work, index: int) -> bytes:
        """The stored bytes of entry ``index``."""
        with self.store.bound(work.connection):
            return self.log.entry(index)

    def inclusion_proof(self, work: Work, index: int, size: int | None) -> InclusionProof:
        """The audit path of entry ``index`` in the tree of ``size`` entries."""
        with self.store.bound(work.connection):
            return self.log.inclusion_proof(index, size)

    def consistency_proof(self, work: Work, old: int, new: int | None) -> ConsistencyProof:
        """Proof that the tree of ``old`` entries is a prefix of the tree of ``new``."""
        with self.store.bound(work.connection):
            return self.log.consistency_proof(old, new)
