"""Keys and signatures, canonical JSON, and the transparency log (SPEC section 6).

The pieces, one per module: :mod:`~trustmarket.ledger.canonical` (one byte form per JSON value),
:mod:`~trustmarket.ledger.keys` (Ed25519 identities), :mod:`~trustmarket.ledger.merkle` (RFC 9162
hashing and proofs), :mod:`~trustmarket.ledger.log` (the signed append-only log),
:mod:`~trustmarket.ledger.stores` (memory, SQLite, PostgreSQL) and
:mod:`~trustmarket.ledger.verify` (client-side checks that need no access to the log).
"""

from trustmarket.ledger.canonical import JsonValue, canonical_json, parse_canonical
from trustmarket.ledger.keys import KeyPair, PublicKey
from trustmarket.ledger.log import (
    ConsistencyProof,
    InclusionProof,
    TransparencyLog,
    TreeHead,
    entry_bytes,
)
from trustmarket.ledger.merkle import EMPTY_ROOT, leaf_hash, node_hash, root_hash
from trustmarket.ledger.stores import LogStore, MemoryStore, PostgresStore, SQLiteStore
from trustmarket.ledger.verify import (
    LogClient,
    verify_consistency,
    verify_inclusion,
    verify_tree_head,
)

__all__ = [
    "EMPTY_ROOT",
    "ConsistencyProof",
    "InclusionProof",
    "JsonValue",
    "KeyPair",
    "LogClient",
    "LogStore",
    "MemoryStore",
    "PostgresStore",
    "PublicKey",
    "SQLiteStore",
    "TransparencyLog",
    "TreeHead",
    "canonical_json",
    "entry_bytes",
    "leaf_hash",
    "node_hash",
    "parse_canonical",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
    "verify_tree_head",
]
