"""Storage of the transparency log behind one interface (:class:`LogStore`): in memory, SQLite,
PostgreSQL. Every store gives identical roots and proofs; only durability and scale differ."""

from trustmarket.ledger.stores.base import LogStore, complete_ranges, node_key
from trustmarket.ledger.stores.memory import MemoryStore
from trustmarket.ledger.stores.postgres import PostgresStore
from trustmarket.ledger.stores.sqlite import SQLiteStore

__all__ = ["LogStore", "MemoryStore", "PostgresStore", "SQLiteStore", "complete_ranges", "node_key"]
