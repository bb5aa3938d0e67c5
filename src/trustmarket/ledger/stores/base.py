"""The storage interface of the transparency log: entries, leaf hashes and the hashes of complete
subtrees, append-only.

A *complete subtree* at level ``L`` and position ``i`` covers the leaves
``[i * 2^L, (i + 1) * 2^L)``; its hash is ``MTH`` of those leaves (RFC 9162 section 2.1.1). Level 0
holds the leaf hashes. A store writes each complete subtree's hash once, when its last leaf arrives
(a binary counter: appending leaf ``i`` completes one node per trailing 1 bit of ``i``), so it
holds fewer than ``2n`` hashes for ``n`` leaves, and the hash of any range a proof needs is a fold
of at most ``2 log2 n`` stored hashes: proofs cost ``O(log n)`` reads at any size.

A concrete store implements five primitives (:meth:`LogStore._load_size`,
:meth:`LogStore._read_nodes`, :meth:`LogStore._read_entries`, :meth:`LogStore._write`,
:meth:`LogStore.close`); :class:`LogStore` does the hashing, so every store gives identical roots
and proofs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from trustmarket.core.errors import DamagedLog, InvalidInput, InvalidLogRequest
from trustmarket.ledger.merkle import EMPTY_ROOT, leaf_hash, node_hash

#: A stored node: (level, position, hash).
Node = tuple[int, int, bytes]


def node_key(level: int, position: int) -> int:
    """One integer per complete subtree, for stores that key nodes by a single column."""
    return (position << 6) | level


def in_order(found: dict[int, bytes], wanted: Sequence[int], where: str) -> list[bytes]:
    """The hashes of ``wanted`` node keys from a query's ``found`` rows, or :class:`DamagedLog`
    naming ``where`` when the store lacks one (its file was edited outside the log)."""
    missing = [key for key in wanted if key not in found]
    if missing:
        level, position = missing[0] & 63, missing[0] >> 6
        raise DamagedLog(
            f"the log store {where} lacks the hash of subtree (level {level}, position "
            f"{position}): it was changed outside the log; restore it from a copy"
        )
    return [found[key] for key in wanted]


def complete_ranges(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees ``(level, position)`` that tile ``[start, end)``, left to right.

    Each is the largest aligned power-of-two block that starts at the current position and fits;
    for the ranges of RFC 9162's recursion (``start`` a multiple of the power of two above
    ``end - start``, or the whole tree) their right fold is ``MTH(D[start:end])``.
    """
    blocks: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        level = (pos & -pos).bit_length() - 1 if pos else 63
        while (1 << level) > end - pos:
            level -= 1
        blocks.append((level, pos >> level))
        pos += 1 << level
    return blocks


class LogStore(ABC):
    """Append-only storage of a Merkle log (see the module docstring for what it holds).

    Subclasses call :meth:`_open` once their backing storage is ready.
    """

    _size: int
    _frontier: list[bytes]

    def _open(self) -> None:
        """Load the size and the right edge (the complete subtrees tiling ``[0, size)``)."""
        self._size = self._load_size()
        blocks = complete_ranges(0, self._size)
        self._frontier = self._read_nodes(blocks) if blocks else []

    # -- primitives --------------------------------------------------------------------------
    @abstractmethod
    def _load_size(self) -> int:
        """The number of entries stored."""

    @abstractmethod
    def _read_nodes(self, keys: Sequence[tuple[int, int]]) -> list[bytes]:
        """The hashes of the complete subtrees ``(level, position)``, in the order asked
        (:func:`in_order` of what the query found)."""

    @abstractmethod
    def _read_entries(self, start: int, end: int) -> list[bytes]:
        """The entries ``[start, end)``, in order."""

    @abstractmethod
    def _write(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        """Store ``entries`` at ``first, first + 1, ...`` and ``nodes``, all or nothing."""

    @abstractmethod
    def close(self) -> None:
        """Release the backing storage."""

    # -- the interface the log uses ------------------------------------------------------------
    @property
    def size(self) -> int:
        """The number of entries stored."""
        return self._size

    def append(self, entries: Sequence[bytes], leaf_hashes: Sequence[bytes] | None = None) -> int:
        """Append ``entries`` (with their leaf hashes, computed if not given); return the index
        of the first. All are stored or none."""
        if leaf_hashes is None:
            leaf_hashes = [leaf_hash(entry) for entry in entries]
        elif len(leaf_hashes) != len(entries):
            raise InvalidInput(
                f"{len(entries)} entries need {len(entries)} leaf hashes, got {len(leaf_hashes)}"
            )
        first = self._size
        frontier = list(self._frontier)
        nodes: list[Node] = []
        for offset, current in enumerate(leaf_hashes):
            position = first + offset
            nodes.append((0, position, current))
            level = 0
            # Each trailing 1 bit of the position closes a complete subtree one level up.
            while position & 1:
                current = node_hash(frontier.pop(), current)
                position >>= 1
                level += 1
                nodes.append((level, position, current))
            frontier.append(current)
        self._write(first, entries, nodes)
        self._size = first + len(entries)
        self._frontier = frontier
        return first

    def check_size(self, size: int) -> None:
        """Raise :class:`InvalidLogRequest` unless ``0 <= size <= self.size``."""
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InvalidLogRequest(f"tree size must be a non-negative int, got {size!r}")
        if size > self._size:
            raise InvalidLogRequest(
                f"tree size {size} is past the log, which holds {self._size} entries"
            )

    def entry(self, index: int) -> bytes:
        """The entry at ``index``."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self._size:
            raise InvalidLogRequest(
                f"entry index {index!r} is not in the log; allowed: 0 to {self._size - 1}"
            )
        return self._read_entries(index, index + 1)[0]

    def entries(self, start: int, end: int) -> list[bytes]:
        """The entries ``[start, end)``."""
        self.check_size(end)
        if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= end:
            raise InvalidLogRequest(f"start {start!r} must be an int from 0 to {end}")
        return self._read_entries(start, end) if start < end else []

    def leaf_hash(self, index: int) -> bytes:
        """The leaf hash of entry ``index``."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self._size:
            raise InvalidLogRequest(
                f"leaf index {index!r} is not in the log; allowed: 0 to {self._size - 1}"
            )
        return self._read_nodes([(0, index)])[0]

    def subtree_hashes(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        """``MTH(D[start:end])`` for each range, from the stored complete subtrees in one read,
        for the ranges that RFC 9162's recursion visits (see :func:`complete_ranges`)."""
        tilings = [complete_ranges(start, end) for start, end in ranges]
        flat = [block for tiling in tilings for block in tiling]
        found = iter(self._read_nodes(flat)) if flat else iter(())
        result: list[bytes] = []
        for tiling in tilings:
            hashes = [next(found) for _ in tiling]
            current = hashes[-1]
            for left in reversed(hashes[:-1]):
                current = node_hash(left, current)
            result.append(current)
        return result

    def subtree_hash(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` (one range of :meth:`subtree_hashes`)."""
        return self.subtree_hashes([(start, end)])[0]

    def root_hash(self, size: int | None = None) -> bytes:
        """``MTH`` of the first ``size`` entries (all if ``None``)."""
        size = self._size if size is None else size
        self.check_size(size)
        if size == 0:
            return EMPTY_ROOT
        if size == self._size:
            current = self._frontier[-1]
            for left in reversed(self._frontier[:-1]):
                current = node_hash(left, current)
            return current
        return self.subtree_hash(0, size)

    def __enter__(self) -> LogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
