"""The transparency log: appends, signed tree heads, proofs, JSON forms and refused requests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from trustmarket.core.errors import (
    InvalidInput,
    InvalidJson,
    InvalidLogRequest,
    InvalidProof,
    InvalidTreeHead,
)
from trustmarket.ledger import (
    EMPTY_ROOT,
    ConsistencyProof,
    InclusionProof,
    KeyPair,
    TransparencyLog,
    TreeHead,
    canonical_json,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
    verify_tree_head,
)

LOG_KEY = KeyPair.generate("log")


def filled(n: int) -> TransparencyLog:
    log = TransparencyLog(LOG_KEY)
    for k in range(n):
        assert log.append({"n": k, "kind": "quote"}) == k
    return log


def test_append_returns_indices_and_stores_canonical_json() -> None:
    log = TransparencyLog(LOG_KEY)
    assert log.size == 0
    assert log.root_hash() == EMPTY_ROOT
    assert log.append(b"raw bytes") == 0
    assert log.append({"b": 2, "a": 1}) == 1
    assert log.append_many([b"x", [1, 2]]) == 2
    assert len(log) == 4
    assert log.entry(0) == b"raw bytes"
    assert log.entry(1) == b'{"a":1,"b":2}'
    assert log.leaf_hash(3) == leaf_hash(b"[1,2]")
    assert log.store.entries(1, 3) == [b'{"a":1,"b":2}', b"x"]


def test_tree_heads_sign_the_root_and_size() -> None:
    log = filled(5)
    head = log.tree_head(timestamp=1_700_000_000_000)
    assert (head.size, head.root_hash, head.log_id) == (5, log.root_hash(), log.log_id)
    verify_tree_head(head, log.public_key)
    older = log.tree_head(timestamp=1, size=3)
    assert older.root_hash == log.root_hash(3)
    verify_tree_head(older, log.public_key)
    assert head.signed_bytes() == canonical_json(
        {
            "log_id": log.log_id,
            "root_hash": head.root_hash.hex(),
            "timestamp": 1_700_000_000_000,
            "tree_size": 5,
            "type": "trustmarket/tree-head/v1",
        }
    )


def test_proofs_verify_against_signed_heads() -> None:
    log = filled(11)
    old, new = log.tree_head(10, size=6), log.tree_head(20)
    for index in range(11):
        verify_inclusion(
            {"n": index, "kind": "quote"}, log.inclusion_proof(index), new, log.public_key
        )
    verify_inclusion(log.entry(2), log.inclusion_proof(2, 6), old, log.public_key)
    verify_consistency(log.consistency_proof(6), old, new, log.public_key)
    with pytest.raises(InvalidProof):
        verify_inclusion({"n": 3, "kind": "bid"}, log.inclusion_proof(3), new, log.public_key)


def test_json_forms_round_trip() -> None:
    log = filled(7)
    head = log.tree_head(5)
    inclusion = log.inclusion_proof(4)
    consistency = log.consistency_proof(3)
    assert TreeHead.from_json(head.to_json()) == head
    assert InclusionProof.from_json(inclusion.to_json()) == inclusion
    assert ConsistencyProof.from_json(consistency.to_json()) == consistency


@pytest.mark.parametrize(
    ("data", "error", "fragment"),
    [
        ([], InvalidTreeHead, "JSON object"),
        ({"log_id": "", "signature": "00"}, InvalidTreeHead, "log_id"),
        ({"log_id": "x", "signature": "zz"}, InvalidTreeHead, "signature"),
        (
            {"log_id": "x", "signature": "00", "tree_size": -1, "timestamp": 0},
            InvalidTreeHead,
            "tree_size",
        ),
        (
            {"log_id": "x", "signature": "00", "tree_size": 1, "timestamp": 0, "root_hash": "ab"},
            InvalidTreeHead,
            "root_hash",
        ),
    ],
)
def test_malformed_tree_heads_are_refused(
    data: object, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        TreeHead.from_json(data)


def test_malformed_proofs_are_refused() -> None:
    with pytest.raises(InvalidProof, match="JSON object"):
        InclusionProof.from_json("x")
    with pytest.raises(InvalidProof, match="path"):
        InclusionProof.from_json({"index": 0, "tree_size": 1, "path": "00"})
    with pytest.raises(InvalidProof, match="path element 1"):
        ConsistencyProof.from_json({"old_size": 1, "new_size": 3, "path": ["00" * 32, "00" * 31]})
    with pytest.raises(InvalidProof, match="index"):
        InclusionProof.from_json({"index": True, "tree_size": 1, "path": []})


def test_bad_requests_are_refused_and_change_nothing() -> None:
    log = filled(4)
    root = log.root_hash()
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: log.inclusion_proof(4), "not in a tree of size 4"),
        (lambda: log.inclusion_proof(0, 5), "past the log"),
        (lambda: log.inclusion_proof(-1), "non-negative"),
        (lambda: log.consistency_proof(3, 2), "larger than the new size"),
        (lambda: log.consistency_proof(1, 9), "past the log"),
        (lambda: log.tree_head(-5), "timestamp"),
        (lambda: log.tree_head(1.5), "timestamp"),  # type: ignore[arg-type]
        (lambda: log.entry(4), "allowed: 0 to 3"),
        (lambda: log.root_hash(7), "past the log"),
    ]
    for call, fragment in cases:
        with pytest.raises(InvalidLogRequest, match=fragment):
            call()
    with pytest.raises(InvalidJson):
        log.append({"x": float("nan")})
    with pytest.raises(InvalidJson):
        log.append_many([b"fine", {"bad": {1, 2}}])
    with pytest.raises(InvalidInput, match="leaf hashes"):
        log.store.append([b"a", b"b"], [leaf_hash(b"a")])
    assert (log.size, log.root_hash()) == (4, root)


def test_the_log_needs_a_key_pair() -> None:
    with pytest.raises(InvalidLogRequest, match="KeyPair"):
        TransparencyLog(LOG_KEY.public_key)  # type: ignore[arg-type]
