"""The SQLite store of the transparency log (the standard library's ``sqlite3``, WAL journal).

Two tables: ``log_entries(idx, data)`` and ``log_nodes(id, hash)``, where ``id`` packs a complete
subtree's level and position (:func:`~trustmarket.ledger.stores.base.node_key`); both are keyed by
SQLite's integer row id, so a proof's ``O(log n)`` node reads are one indexed query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from trustmarket.core.errors import InvalidInput
from trustmarket.ledger.stores.base import LogStore, Node, in_order, node_key

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS log_entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS log_nodes (id INTEGER PRIMARY KEY, hash BLOB NOT NULL)",
)
#: Stay well under SQLite's limit on bound parameters per statement.
_CHUNK = 500


class SQLiteStore(LogStore):
    """A :class:`~trustmarket.ledger.stores.base.LogStore` in an SQLite file (or ``":memory:"``).

    The journal is WAL with ``synchronous=NORMAL``: a commit survives a crash of the process,
    and readers in other connections see a consistent tree while one writer appends. One writer
    per file: the store keeps the tree's right edge in memory.
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                self._db.execute(statement)
        except sqlite3.DatabaseError as exc:
            raise InvalidInput(f"cannot open the SQLite log store {self.path!r}: {exc}") from None
        self._open()

    def _load_size(self) -> int:
        row = self._db.execute("SELECT coalesce(max(idx) + 1, 0) FROM log_entries").fetchone()
        return int(row[0])

    def _read_nodes(self, keys: Sequence[tuple[int, int]]) -> list[bytes]:
        wanted = [node_key(level, position) for level, position in keys]
        found: dict[int, bytes] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._db.execute(f"SELECT id, hash FROM log_nodes WHERE id IN ({marks})", chunk)
            )
        return in_order(found, wanted, self.path)

    def _read_entries(self, start: int, end: int) -> list[bytes]:
        rows = self._db.execute(
            "SELECT data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx", (start, end)
        )
        return [row[0] for row in rows]

    def _write(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT INTO log_entries (idx, data) VALUES (?, ?)",
                zip(range(first, first + len(entries)), entries, strict=True),
            )
            db.executemany(
                "INSERT INTO log_nodes (id, hash) VALUES (?, ?)",
                ((node_key(level, position), value) for level, position, value in nodes),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
