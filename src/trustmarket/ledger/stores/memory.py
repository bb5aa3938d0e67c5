"""The in-memory store of the transparency log: lists, for tests and short-lived logs."""

from __future__ import annotations

from collections.abc import Sequence

from trustmarket.ledger.stores.base import LogStore, Node


class MemoryStore(LogStore):
    """A :class:`~trustmarket.ledger.stores.base.LogStore` in Python lists; gone when dropped."""

    def __init__(self) -> None:
        self._entries: list[bytes] = []
        #: ``_levels[L][i]`` is the hash of the complete subtree at level ``L``, position ``i``.
        self._levels: list[list[bytes]] = []
        self._open()

    def _load_size(self) -> int:
        return len(self._entries)

    def _read_nodes(self, keys: Sequence[tuple[int, int]]) -> list[bytes]:
        levels = self._levels
        return [levels[level][position] for level, position in keys]

    def _read_entries(self, start: int, end: int) -> list[bytes]:
        return self._entries[start:end]

    def _write(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        # Nothing here can fail half-way, so all-or-nothing holds without a transaction.
        levels = self._levels
        for level, _position, value in nodes:
            while len(levels) <= level:
                levels.append([])
            levels[level].append(value)
        self._entries.extend(bytes(entry) for entry in entries)

    def close(self) -> None:
        """Nothing to release."""
