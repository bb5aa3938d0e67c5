"""The transparency log kept in the service's own database (SPEC sections 6 and 9).

:class:`DatabaseStore` is a :class:`~trustmarket.ledger.stores.base.LogStore` over the
``ledger_entries`` and ``ledger_nodes`` tables. It writes through whatever connection it is
:meth:`~DatabaseStore.bound` to, so a log entry is committed in the same transaction as the state
change it records: an acknowledged bid and its log entry are both durable or neither is. If that
transaction is rolled back, :meth:`DatabaseStore.reload` forgets the appends it did not keep.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, func, insert, select

from trustmarket.ledger.stores.base import LogStore, Node, node_key
from trustmarket.service.schema import LedgerEntry, LedgerNode

__all__ = ["DatabaseStore"]

_CHUNK = 500


class DatabaseStore(LogStore):
    """The log's entries and subtree hashes in the service database; one writer at a time."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._open()

    @contextmanager
    def bound(self, connection: Connection) -> Iterator[None]:
        """Route reads and writes through ``connection`` (the caller's open transaction)."""
        previous, self._connection = self._connection, connection
        try:
            yield
        finally:
            self._connection = previous

    def reload(self) -> None:
        """Read the size and right edge again (after a rolled-back transaction)."""
        self._open()

    @contextmanager
    def _conn(self) -> Iterator[Connection]:
        if self._connection is not None:
            yield self._connection
            return
        with self._engine.connect() as connection:
            yield connection

    def _load_size(self) -> int:
        with self._conn() as connection:
            found = connection.scalar(select(func.max(LedgerEntry.idx)))
        return 0 if found is None else int(found) + 1

    def _read_nodes(self, keys: Sequence[tuple[int, int]]) -> list[bytes]:
        wanted = [node_key(level, position) for level, position in keys]
        found: dict[int, bytes] = {}
        with self._conn() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                rows = connection.execute(
                    select(LedgerNode.id, LedgerNode.hash).where(LedgerNode.id.in_(chunk))
                )
                found.update((int(key), bytes(value)) for key, value in rows)
        return [found[key] for key in wanted]

    def _read_entries(self, start: int, end: int) -> list[bytes]:
        with self._conn() as connection:
            rows = connection.execute(
                select(LedgerEntry.data)
                .where(LedgerEntry.idx >= start, LedgerEntry.idx < end)
                .order_by(LedgerEntry.idx)
            )
            return [bytes(row[0]) for row in rows]

    def _write(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        if self._connection is None:
            with self._engine.begin() as connection:
                self._insert(connection, first, entries, nodes)
        else:
            self._insert(self._connection, first, entries, nodes)

    @staticmethod
    def _insert(
        connection: Connection, first: int, entries: Sequence[bytes], nodes: Sequence[Node]
    ) -> None:
        connection.execute(
            insert(LedgerEntry),
            [{"idx": first + i, "data": data} for i, data in enumerate(entries)],
        )
        connection.execute(
            insert(LedgerNode),
            [{"id": node_key(level, pos), "hash": value} for level, pos, value in nodes],
        )

    def close(self) -> None:
        """Nothing to release: the engine belongs to the service."""
