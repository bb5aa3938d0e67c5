"""The PostgreSQL store of the transparency log (psycopg 3; install the ``postgres`` extra).

The same two tables as the SQLite store, named ``{prefix}_entries`` and ``{prefix}_nodes`` so that
several logs can share a database. Appends run in one transaction each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from trustmarket.core.errors import InvalidInput
from trustmarket.ledger.stores.base import LogStore, Node, in_order, node_key

_PREFIX = re.compile(r"[a-z_][a-z0-9_]{0,40}")


class PostgresStore(LogStore):
    """A :class:`~trustmarket.ledger.stores.base.LogStore` in PostgreSQL.

    Parameters
    ----------
    url
        A libpq connection string, e.g. ``postgresql://postgres@127.0.0.1:5432/test``.
    prefix
        The table name prefix (lowercase letters, digits and ``_``); one prefix per log.
    """

    def __init__(self, url: str, prefix: str = "trustmarket_log") -> None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - depends on the environment
            raise InvalidInput(
                "PostgresStore needs psycopg 3: pip install 'trustmarket[postgres]'"
            ) from None
        if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
            raise InvalidInput(
                f"table prefix {prefix!r} must be 1 to 41 lowercase letters, digits or '_', "
                "starting with a letter or '_'"
            )
        self.prefix = prefix
        self._entries = f"{prefix}_entries"
        self._nodes = f"{prefix}_nodes"
        try:
            self._db: Any = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise InvalidInput(f"cannot connect to the PostgreSQL log store: {exc}") from None
        with self._db.transaction():
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {self._entries} "
                "(idx BIGINT PRIMARY KEY, data BYTEA NOT NULL)"
            )
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {self._nodes} "
                "(id BIGINT PRIMARY KEY, hash BYTEA NOT NULL)"
            )
        self._open()

    def _load_size(self) -> int:
        row = self._db.execute(f"SELECT coalesce(max(idx) + 1, 0) FROM {self._entries}").fetchone()
        return int(row[0])

    def _read_nodes(self, keys: Sequence[tuple[int, int]]) -> list[bytes]:
        wanted = [node_key(level, position) for level, position in keys]
        rows = self._db.execute(
            f"SELECT id, hash FROM {self._nodes} WHERE id = ANY(%s)", (wanted,)
        ).fetchall()
        found = {int(key): bytes(value) for key, value in rows}
        return in_order(found, wanted, self._nodes)

    def _read_entries(self, start: int, end: int) -> list[bytes]:
        rows = self._db.execute(
            f"SELECT data FROM {self._entries} WHERE idx >= %s AND idx < %s ORDER BY idx",
            (start, end),
        ).fetchall()
        return [bytes(row[0]) for row in rows]

    def _write(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        with self._db.transaction(), self._db.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self._entries} (idx, data) VALUES (%s, %s)",
                list(zip(range(first, first + len(entries)), entries, strict=True)),
            )
            cursor.executemany(
                f"INSERT INTO {self._nodes} (id, hash) VALUES (%s, %s)",
                [(node_key(level, position), value) for level, position, value in nodes],
            )

    def drop(self) -> None:
        """Delete this log's tables (for tests and tear-down); the store is empty afterwards."""
        with self._db.transaction():
            self._db.execute(f"DROP TABLE IF EXISTS {self._entries}")
            self._db.execute(f"DROP TABLE IF EXISTS {self._nodes}")
        self._size = 0
        self._frontier = []

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
