"""A log store edited outside the log (a row inserted or deleted by hand) is a DamagedLog error
naming the store, not a KeyError, when the log opens or proves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from trustmarket.core.errors import DamagedLog
from trustmarket.ledger.keys import KeyPair
from trustmarket.ledger.log import TransparencyLog
from trustmarket.ledger.stores.sqlite import SQLiteStore


def _log_with_entries(path: Path, count: int) -> KeyPair:
    key = KeyPair.generate("damaged-store test")
    log = TransparencyLog(key, SQLiteStore(path))
    for k in range(count):
        log.append({"entry": k})
    return key


def test_an_entry_inserted_by_hand_is_reported_when_the_log_opens(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    key = _log_with_entries(path, 3)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO log_entries VALUES (100, x'00')")
    with pytest.raises(DamagedLog) as damaged:
        TransparencyLog(key, SQLiteStore(path))
    assert str(path) in damaged.value.message and "changed outside the log" in damaged.value.message


def test_a_node_deleted_by_hand_is_reported_by_a_proof(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    key = _log_with_entries(path, 4)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM log_nodes WHERE id = 0")  # leaf 0's hash
    log = TransparencyLog(key, SQLiteStore(path))  # the right edge is intact
    with pytest.raises(DamagedLog) as damaged:
        log.inclusion_proof(1, 4)
    assert "lacks the hash of subtree (level 0, position 0)" in damaged.value.message
