"""The append-only transparency log: a Merkle tree of entries (RFC 9162 section 2.1) with signed
tree heads, inclusion proofs and consistency proofs (SPEC section 6).

The log holds an Ed25519 key; a :class:`TreeHead` is its signature over the canonical JSON of
``{"log_id", "root_hash", "timestamp", "tree_size", "type"}``. The timestamp is whatever the caller
passes (engines read no clock; milliseconds since the epoch by convention). Proofs are plain
values that :mod:`trustmarket.ledger.verify` checks with nothing but the proof, the entry, a head
and the log's public key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trustmarket.core.errors import InvalidLogRequest, InvalidProof, InvalidTreeHead
from trustmarket.ledger.canonical import canonical_json
from trustmarket.ledger.keys import KeyPair, PublicKey
from trustmarket.ledger.merkle import (
    HASH_BYTES,
    consistency_ranges,
    inclusion_ranges,
)
from trustmarket.ledger.stores.base import LogStore
from trustmarket.ledger.stores.memory import MemoryStore

TREE_HEAD_TYPE = "trustmarket/tree-head/v1"


def entry_bytes(entry: object) -> bytes:
    """The bytes a log stores for ``entry``: bytes as they are, anything else as canonical JSON."""
    if isinstance(entry, bytes | bytearray | memoryview):
        return bytes(entry)
    return canonical_json(entry)


def _int_field(data: Mapping[str, object], name: str, error: type[Exception]) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise error(f"field {name!r} must be a non-negative int, got {value!r}")
    return value


def _hash_field(value: object, name: str, error: type[Exception]) -> bytes:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else None
    except ValueError:
        raw = None
    if raw is None or len(raw) != HASH_BYTES:
        raise error(f"{name} must be {2 * HASH_BYTES} hex digits, got {value!r}")
    return raw


@dataclass(frozen=True)
class TreeHead:
    """A signed tree head (RFC 9162 section 4.10, in canonical JSON): the log's signed statement
    that its first ``size`` entries have Merkle root ``root_hash``."""

    log_id: str
    size: int
    root_hash: bytes
    timestamp: int
    signature: bytes

    def signed_bytes(self) -> bytes:
        """The canonical JSON the signature covers."""
        return canonical_json(
            {
                "log_id": self.log_id,
                "root_hash": self.root_hash.hex(),
                "timestamp": self.timestamp,
                "tree_size": self.size,
                "type": TREE_HEAD_TYPE,
            }
        )

    def to_json(self) -> dict[str, object]:
        """The head as a JSON object (hashes and signature in hex)."""
        return {
            "log_id": self.log_id,
            "root_hash": self.root_hash.hex(),
            "signature": self.signature.hex(),
            "timestamp": self.timestamp,
            "tree_size": self.size,
        }

    @classmethod
    def from_json(cls, data: object) -> TreeHead:
        """Read a head written by :meth:`to_json`; the signature is not checked here."""
        if not isinstance(data, Mapping):
            raise InvalidTreeHead(f"a tree head is a JSON object, got {type(data).__name__}")
        log_id = data.get("log_id")
        if not isinstance(log_id, str) or not log_id:
            raise InvalidTreeHead(f"field 'log_id' must be a non-empty string, got {log_id!r}")
        signature = data.get("signature")
        try:
            raw_signature = bytes.fromhex(signature) if isinstance(signature, str) else None
        except ValueError:
            raw_signature = None
        if raw_signature is None:
            raise InvalidTreeHead(f"field 'signature' must be hex, got {signature!r}")
        return cls(
            log_id=log_id,
            size=_int_field(data, "tree_size", InvalidTreeHead),
            root_hash=_hash_field(data.get("root_hash"), "field 'root_hash'", InvalidTreeHead),
            timestamp=_int_field(data, "timestamp", InvalidTreeHead),
            signature=raw_signature,
        )


def _path_json(path: tuple[bytes, ...]) -> list[str]:
    return [item.hex() for item in path]


def _path_from_json(data: Mapping[str, object]) -> tuple[bytes, ...]:
    items = data.get("path")
    if not isinstance(items, list):
        raise InvalidProof(f"field 'path' must be a list of hex hashes, got {items!r}")
    return tuple(
        _hash_field(item, f"path element {k}", InvalidProof) for k, item in enumerate(items)
    )


@dataclass(frozen=True)
class InclusionProof:
    """The audit path of entry ``index`` in the tree of ``size`` entries (RFC 9162 2.1.3)."""

    index: int
    size: int
    path: tuple[bytes, ...]

    def to_json(self) -> dict[str, object]:
        """The proof as a JSON object (hashes in hex)."""
        return {"index": self.index, "path": _path_json(self.path), "tree_size": self.size}

    @classmethod
    def from_json(cls, data: object) -> InclusionProof:
        """Read a proof written by :meth:`to_json`."""
        if not isinstance(data, Mapping):
            raise InvalidProof(f"an inclusion proof is a JSON object, got {type(data).__name__}")
        return cls(
            index=_int_field(data, "index", InvalidProof),
            size=_int_field(data, "tree_size", InvalidProof),
            path=_path_from_json(data),
        )


@dataclass(frozen=True)
class ConsistencyProof:
    """The proof that the tree of ``new_size`` extends the tree of ``old_size`` (RFC 9162 2.1.4)."""

    old_size: int
    new_size: int
    path: tuple[bytes, ...]

    def to_json(self) -> dict[str, object]:
        """The proof as a JSON object (hashes in hex)."""
        return {
            "new_size": self.new_size,
            "old_size": self.old_size,
            "path": _path_json(self.path),
        }

    @classmethod
    def from_json(cls, data: object) -> ConsistencyProof:
        """Read a proof written by :meth:`to_json`."""
        if not isinstance(data, Mapping):
            raise InvalidProof(f"a consistency proof is a JSON object, got {type(data).__name__}")
        return cls(
            old_size=_int_field(data, "old_size", InvalidProof),
            new_size=_int_field(data, "new_size", InvalidProof),
            path=_path_from_json(data),
        )


class TransparencyLog:
    """An append-only Merkle log of entries, signed by the log's key.

    Parameters
    ----------
    key
        The log's Ed25519 key pair; its :attr:`~trustmarket.ledger.keys.KeyPair.key_id` is the
        log id every tree head names.
    store
        Where entries and subtree hashes live (:class:`~trustmarket.ledger.stores.MemoryStore` if
        not given). Reopening a store continues the log it holds.
    """

    def __init__(self, key: KeyPair, store: LogStore | None = None) -> None:
        if not isinstance(key, KeyPair):
            raise InvalidLogRequest(f"a log is signed by a KeyPair, got {type(key).__name__}")
        self._key = key
        self.store = MemoryStore() if store is None else store

    @property
    def public_key(self) -> PublicKey:
        """The key that verifies this log's tree heads."""
        return self._key.public_key

    @property
    def log_id(self) -> str:
        """The log's id: its public key's ``key_id``."""
        return self._key.key_id

    @property
    def size(self) -> int:
        """The number of entries."""
        return self.store.size

    def __len__(self) -> int:
        return self.store.size

    def append(self, entry: object) -> int:
        """Append one entry (bytes, or a value stored as its canonical JSON); return its index."""
        return self.store.append([entry_bytes(entry)])

    def append_many(self, entries: Iterable[object]) -> int:
        """Append entries in one write (all or none); return the index of the first."""
        return self.store.append([entry_bytes(entry) for entry in entries])

    def entry(self, index: int) -> bytes:
        """The stored bytes of entry ``index``."""
        return self.store.entry(index)

    def leaf_hash(self, index: int) -> bytes:
        """``SHA-256(0x00 || entry)`` of entry ``index``."""
        return self.store.leaf_hash(index)

    def root_hash(self, size: int | None = None) -> bytes:
        """The Merkle root of the first ``size`` entries (all if ``None``)."""
        return self.store.root_hash(size)

    def _size_or_current(self, size: int | None) -> int:
        size = self.store.size if size is None else size
        self.store.check_size(size)
        return size

    def tree_head(self, timestamp: int, size: int | None = None) -> TreeHead:
        """Sign the head of the tree of ``size`` entries (all if ``None``) at ``timestamp``.

        ``timestamp`` is a non-negative int the caller chooses (milliseconds since the epoch by
        convention); a client refuses heads whose timestamps go backwards.
        """
        if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
            raise InvalidLogRequest(f"timestamp must be a non-negative int, got {timestamp!r}")
        size = self._size_or_current(size)
        unsigned = TreeHead(self.log_id, size, self.store.root_hash(size), timestamp, b"")
        return TreeHead(
            unsigned.log_id,
            unsigned.size,
            unsigned.root_hash,
            unsigned.timestamp,
            self._key.sign(unsigned.signed_bytes()),
        )

    def inclusion_proof(self, index: int, size: int | None = None) -> InclusionProof:
        """The audit path of entry ``index`` in the tree of ``size`` entries (all if ``None``)."""
        size = self._size_or_current(size)
        ranges = inclusion_ranges(index, size)
        return InclusionProof(index, size, tuple(self.store.subtree_hashes(ranges)))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """The proof that the tree of ``new_size`` (all if ``None``) extends ``old_size``'s."""
        new_size = self._size_or_current(new_size)
        ranges = consistency_ranges(old_size, new_size)
        return ConsistencyProof(old_size, new_size, tuple(self.store.subtree_hashes(ranges)))


__all__ = [
    "TREE_HEAD_TYPE",
    "ConsistencyProof",
    "InclusionProof",
    "TransparencyLog",
    "TreeHead",
    "entry_bytes",
]
