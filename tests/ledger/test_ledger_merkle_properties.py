"""Properties of the Merkle proofs over random trees: every proof the log makes verifies, it
equals the reference recursion of RFC 9162, and any changed byte makes it fail."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import InvalidProof
from trustmarket.ledger.merkle import (
    consistency_proof,
    consistency_ranges,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from trustmarket.ledger.stores import MemoryStore


def leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(k.to_bytes(4, "big")).digest()[: k % 7] for k in range(n)]


def store_of(n: int) -> MemoryStore:
    store = MemoryStore()
    data = leaves(n)
    # Several appends of uneven batches, so batching cannot change the tree.
    cut = n // 3
    store.append(data[:cut])
    for entry in data[cut:]:
        store.append([entry])
    return store


def flip(data: bytes, position: int, mask: int) -> bytes:
    changed = bytearray(data)
    changed[position % len(changed)] ^= mask
    return bytes(changed)


def fails(check: object, *args: object) -> bool:
    try:
        check(*args)  # type: ignore[operator]
    except InvalidProof:
        return True
    return False


def test_every_proof_of_small_trees_matches_the_reference() -> None:
    n_max = 33
    store = store_of(n_max)
    hashes = [leaf_hash(entry) for entry in leaves(n_max)]
    for n in range(n_max + 1):
        assert store.root_hash(n) == root_hash(hashes[:n])
        for m in range(n):
            path = store.subtree_hashes(inclusion_ranges(m, n))
            assert path == inclusion_proof(hashes, m, n)
            verify_inclusion(hashes[m], m, n, path, store.root_hash(n))
        for m in range(n + 1):
            path = store.subtree_hashes(consistency_ranges(m, n))
            assert path == consistency_proof(hashes, m, n)
            verify_consistency(m, n, path, store.root_hash(m), store.root_hash(n))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=600),
    st.data(),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=255),
)
def test_inclusion_proofs_verify_and_any_changed_byte_fails(
    n: int, data: st.DataObject, position: int, mask: int
) -> None:

    store = store_of(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    path = store.subtree_hashes(inclusion_ranges(index, n))
    leaf, root = store.leaf_hash(index), store.root_hash()
    verify_inclusion(leaf, index, n, path, root)
    assert fails(verify_inclusion, flip(leaf, position, mask), index, n, path, root)
    assert fails(verify_inclusion, leaf, index, n, path, flip(root, position, mask))
    if path:
        k = position % len(path)
        changed = [*path[:k], flip(path[k], position // 7, mask), *path[k + 1 :]]
        assert fails(verify_inclusion, leaf, index, n, changed, root)
        assert fails(verify_inclusion, leaf, index, n, path[::-1], root) or len(set(path)) == 1
        assert fails(verify_inclusion, leaf, index, n, path[:-1], root)
    # A tree of 2n leaves has the shape of the tree of n with every leaf split in two, so the
    # path is one hash short. (A size with the same shape can pass the hashing: the size is
    # bound by the signed tree head, which verify.verify_inclusion checks.)
    assert fails(verify_inclusion, leaf, index, 2 * n, path, root)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=600),
    st.data(),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=255),
)
def test_consistency_proofs_verify_and_any_changed_byte_fails(
    n: int, data: st.DataObject, position: int, mask: int
) -> None:

    store = store_of(n)
    old = data.draw(st.integers(min_value=1, max_value=n))
    path = store.subtree_hashes(consistency_ranges(old, n))
    old_root, new_root = store.root_hash(old), store.root_hash(n)
    verify_consistency(old, n, path, old_root, new_root)
    assert fails(verify_consistency, old, n, path, flip(old_root, position, mask), new_root)
    assert fails(verify_consistency, old, n, path, old_root, flip(new_root, position, mask))
    if path:
        k = position % len(path)
        changed = [*path[:k], flip(path[k], position // 7, mask), *path[k + 1 :]]
        assert fails(verify_consistency, old, n, changed, old_root, new_root)
        assert fails(verify_consistency, old, n, path[:-1], old_root, new_root)
        assert fails(verify_consistency, old, n, [*path, path[0]], old_root, new_root)
