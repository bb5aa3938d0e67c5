"""A hostile log against the client-side checks: a proof for another tree size, a forked
history, a head that went backwards, a head from another log. Each must be caught, and a refused
head must leave the client as it was."""

from __future__ import annotations

import dataclasses

import pytest

from trustmarket.core.errors import (
    InvalidProof,
    InvalidTreeHead,
    LogFork,
    TreeHeadRollback,
)
from trustmarket.ledger import (
    ConsistencyProof,
    KeyPair,
    LogClient,
    TransparencyLog,
    verify_consistency,
    verify_inclusion,
)

KEY = KeyPair.generate("hostile-log")


def log_of(entries: list[bytes], key: KeyPair = KEY) -> TransparencyLog:
    log = TransparencyLog(key)
    log.append_many(entries)
    return log


ENTRIES = [f"entry {k}".encode() for k in range(16)]


def test_an_honest_log_is_followed() -> None:
    log = log_of(ENTRIES[:3])
    client = LogClient(log.public_key)
    client.update(log.tree_head(1))
    for step, size in enumerate((3, 5, 8, 13, 16), start=2):
        log.append_many(ENTRIES[log.size : size])
        old = client.latest
        assert old is not None
        client.update(log.tree_head(step), log.consistency_proof(old.size))
        client.verify_inclusion(ENTRIES[size - 1], log.inclusion_proof(size - 1))
    client.update(log.tree_head(99))  # same size, later: no proof needed
    assert client.latest is not None
    assert (client.latest.size, client.latest.timestamp) == (16, 99)


def test_a_proof_for_another_tree_size_is_caught() -> None:
    log = log_of(ENTRIES[:8])
    head = log.tree_head(1)
    client = LogClient(log.public_key, trusted=head)
    stale = log.inclusion_proof(2, size=7)
    with pytest.raises(InvalidProof, match="tree size 7, but the tree head is for size 8"):
        client.verify_inclusion(ENTRIES[2], stale)
    # The log relabels the size-7 path as a size-8 proof: the hashing catches it.
    relabelled = dataclasses.replace(stale, size=8)
    with pytest.raises(InvalidProof, match="leads to root"):
        verify_inclusion(ENTRIES[2], relabelled, head, log.public_key)
    # A consistency proof for sizes other than the heads'.
    old = log.tree_head(0, size=4)
    with pytest.raises(InvalidProof, match="sizes 3 to 8"):
        verify_consistency(log.consistency_proof(3), old, head, log.public_key)
    client_at_4 = LogClient(log.public_key, trusted=old)
    with pytest.raises(InvalidProof, match="needs 4 to 8"):
        client_at_4.update(head, log.consistency_proof(5))
    with pytest.raises(InvalidProof, match="is needed"):
        client_at_4.update(head)
    assert client_at_4.latest == old


def test_a_forked_history_is_caught() -> None:
    honest = log_of(ENTRIES[:6])
    client = LogClient(honest.public_key)
    client.update(honest.tree_head(1))
    seen = client.latest
    # The operator rewrites entry 2 and keeps signing with the same key.
    forked_entries = list(ENTRIES[:10])
    forked_entries[2] = b"a quote that was never given"
    fork = log_of(forked_entries)
    with pytest.raises(LogFork, match="not consistent with the verified head of size 6"):
        client.update(fork.tree_head(2), fork.consistency_proof(6))
    # Replaying the honest log's proof with the fork's head does not help either.
    honest.append_many(ENTRIES[6:10])
    with pytest.raises(LogFork):
        client.update(fork.tree_head(2), honest.consistency_proof(6))
    # Nor does showing a second head of the same size with another root.
    same_size = log_of(forked_entries[:6])
    with pytest.raises(LogFork, match="two tree heads of size 6"):
        client.update(same_size.tree_head(3))
    assert client.latest == seen
    # The honest continuation is still accepted afterwards.
    client.update(honest.tree_head(4), honest.consistency_proof(6))


def test_a_head_that_went_backwards_is_caught() -> None:
    log = log_of(ENTRIES[:9])
    client = LogClient(log.public_key, trusted=log.tree_head(50))
    with pytest.raises(TreeHeadRollback, match="size 5, smaller than the verified size 9"):
        client.update(log.tree_head(60, size=5))
    with pytest.raises(TreeHeadRollback, match="timestamp 40 is earlier"):
        client.update(log.tree_head(40))
    log.append(ENTRIES[9])
    with pytest.raises(TreeHeadRollback, match="earlier"):
        client.update(log.tree_head(49), log.consistency_proof(9))
    assert client.latest is not None
    assert client.latest.size == 9


def test_heads_from_another_log_or_tampered_are_caught() -> None:
    log = log_of(ENTRIES[:4])
    impostor = log_of(ENTRIES[:4], key=KeyPair.generate("impostor"))
    client = LogClient(log.public_key, trusted=log.tree_head(1))
    with pytest.raises(InvalidTreeHead, match="from log"):
        client.update(impostor.tree_head(2))
    head = log.tree_head(2)
    # The impostor copies the log id but cannot sign for it.
    forged = dataclasses.replace(impostor.tree_head(2), log_id=log.log_id)
    with pytest.raises(InvalidTreeHead, match="does not verify"):
        client.update(forged)
    for tampered in (
        dataclasses.replace(head, size=5),
        dataclasses.replace(head, timestamp=3),
        dataclasses.replace(head, root_hash=bytes(32)),
        dataclasses.replace(head, signature=head.signature[:-1] + b"\x00"),
    ):
        with pytest.raises(InvalidTreeHead):
            client.update(tampered, ConsistencyProof(4, 5, ()))
    with pytest.raises(InvalidTreeHead, match="from log"):
        LogClient(log.public_key, trusted=impostor.tree_head(0))
    with pytest.raises(InvalidProof, match="no verified tree head"):
        LogClient(log.public_key).verify_inclusion(ENTRIES[0], log.inclusion_proof(0))
