"""Every store gives the same roots and proofs; SQLite persists and continues; a failed write
changes nothing. PostgreSQL runs only when TRUSTMARKET_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import random
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import InvalidInput
from trustmarket.ledger import KeyPair, LogStore, MemoryStore, SQLiteStore, TransparencyLog
from trustmarket.ledger.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
)
from trustmarket.ledger.stores import PostgresStore, complete_ranges
from trustmarket.ledger.stores.base import Node

DATABASE_URL = os.environ.get("TRUSTMARKET_TEST_DATABASE_URL")
KEY = KeyPair.generate("store-log")
ENTRIES = [f"entry {k}".encode() * (k % 4) for k in range(70)]


@pytest.fixture
def postgres() -> Iterator[PostgresStore]:
    if not DATABASE_URL:
        pytest.skip(
            "PostgreSQL store not tested: set TRUSTMARKET_TEST_DATABASE_URL "
            "(e.g. postgresql://postgres@127.0.0.1:5432/test)"
        )
    store = PostgresStore(DATABASE_URL, prefix=f"tm_test_{secrets.token_hex(4)}")
    try:
        yield store
    finally:
        store.drop()
        store.close()


def fill(store: LogStore) -> TransparencyLog:
    log = TransparencyLog(KEY, store)
    log.append_many(ENTRIES[:5])
    for entry in ENTRIES[5:40]:
        log.append(entry)
    log.append_many(ENTRIES[40:])
    return log


def fingerprint(log: TransparencyLog) -> list[object]:
    n = log.size
    out: list[object] = [log.root_hash(size) for size in range(n + 1)]
    out += [log.inclusion_proof(index, size) for size in (1, 33, 64, n) for index in range(size)]
    out += [log.consistency_proof(old, size) for size in (17, 64, n) for old in range(size + 1)]
    out += [log.entry(k) for k in range(n)]
    return out


def test_memory_and_sqlite_agree(tmp_path: Path) -> None:
    memory = fingerprint(fill(MemoryStore()))
    assert fingerprint(fill(SQLiteStore())) == memory
    assert fingerprint(fill(SQLiteStore(tmp_path / "log.db"))) == memory


def test_postgres_agrees(postgres: PostgresStore) -> None:
    log = fill(postgres)
    assert fingerprint(log) == fingerprint(fill(MemoryStore()))
    reopened = PostgresStore(DATABASE_URL or "", prefix=postgres.prefix)
    try:
        assert reopened.size == len(ENTRIES)
        assert reopened.root_hash() == log.root_hash()
    finally:
        reopened.close()


def test_sqlite_persists_and_continues(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    with SQLiteStore(path) as store:
        TransparencyLog(KEY, store).append_many(ENTRIES[:37])
    with SQLiteStore(path) as store:
        log = TransparencyLog(KEY, store)
        assert log.size == 37
        log.append_many(ENTRIES[37:])
        assert fingerprint(log) == fingerprint(fill(MemoryStore()))
    journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_a_store_holds_fewer_than_two_hashes_per_leaf() -> None:
    store = SQLiteStore()
    store.append(ENTRIES)
    nodes = store._db.execute("SELECT count(*) FROM log_nodes").fetchone()[0]
    assert len(ENTRIES) <= nodes < 2 * len(ENTRIES)
    assert complete_ranges(0, 70) == [(6, 0), (2, 16), (1, 34)]
    assert complete_ranges(64, 70) == [(2, 16), (1, 34)]


class FailingStore(MemoryStore):
    """Fails every write after the first ``allowed``."""

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed
        super().__init__()

    def _write(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        if self.allowed <= 0:
            raise OSError("disk full")
        self.allowed -= 1
        super()._write(first, entries, nodes)


def test_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    log = TransparencyLog(KEY, FailingStore(allowed=1))
    log.append_many(ENTRIES[:7])
    root = log.root_hash()
    with pytest.raises(OSError, match="disk full"):
        log.append(b"lost")
    assert (log.size, log.root_hash()) == (7, root)
    # SQLite rolls the transaction back: a duplicate row half-way through leaves no trace.
    store = SQLiteStore(tmp_path / "dup.db")
    store.append(ENTRIES[:3])
    store._db.execute("INSERT INTO log_nodes (id, hash) VALUES (?, ?)", ((5 << 6) | 0, b"x"))
    with pytest.raises(sqlite3.IntegrityError):
        store.append(ENTRIES[3:9])
    assert store.size == 3
    assert store._db.execute("SELECT count(*) FROM log_entries").fetchone()[0] == 3


def test_bad_store_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="table prefix"):
        PostgresStore("postgresql://nowhere", prefix="Robert'); DROP TABLE x;--")
    not_a_db = tmp_path / "text.db"
    not_a_db.write_text("this is not an SQLite file, and it is long enough to be read" * 20)
    with pytest.raises(InvalidInput, match="cannot open the SQLite log store"):
        SQLiteStore(not_a_db)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8))
def test_batching_never_changes_the_tree(batches: list[int]) -> None:
    memory, sqlite = MemoryStore(), SQLiteStore()
    one_by_one = MemoryStore()
    produced = 0
    for count in batches:
        chunk = [b"e%d" % k for k in range(produced, produced + count)]
        memory.append(chunk)
        sqlite.append(chunk)
        for entry in chunk:
            one_by_one.append([entry])
        produced += count
    for size in range(produced + 1):
        assert memory.root_hash(size) == sqlite.root_hash(size) == one_by_one.root_hash(size)
    sqlite.close()


def test_proofs_in_a_large_sqlite_log_match_the_reference() -> None:
    n = 20_003
    entries = [b"leaf %d" % k for k in range(n)]
    log = TransparencyLog(KEY, SQLiteStore())
    log.append_many(entries)
    hashes = [leaf_hash(entry) for entry in entries]
    assert log.root_hash() == root_hash(hashes)
    rng = random.Random(7)
    for _ in range(6):
        index = rng.randrange(n)
        proof = log.inclusion_proof(index)
        assert list(proof.path) == inclusion_proof(hashes, index)
        old = rng.randrange(1, n)
        link = log.consistency_proof(old)
        assert list(link.path) == consistency_proof(hashes, old)
        verify_consistency(old, n, link.path, log.root_hash(old), log.root_hash())
