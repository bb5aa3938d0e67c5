"""Merkle tree hashing, inclusion and consistency proofs of RFC 9162 (Certificate Transparency
version 2.0) section 2.1, which keeps RFC 6962's hashing.

For a list of entries ``D[0:n]`` the Merkle Tree Hash is (RFC 9162 section 2.1.1)::

    MTH({})      = SHA-256()
    MTH({d0})    = SHA-256(0x00 || d0)                          (the leaf hash)
    MTH(D[0:n])  = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  (a node hash)

where ``k`` is the largest power of two smaller than ``n``. The proof generators take the hash of a
sub-range ``subtree(start, end) = MTH(D[start:end])`` as a function, so that a store can answer it
from cached subtree hashes in ``O(log n)`` (see :mod:`trustmarket.ledger.stores`); the functions
with a list of leaf hashes are the reference forms.

Verification (:func:`verify_inclusion`, :func:`verify_consistency`) needs only the proof, the
leaf hash and the roots; it returns ``None`` when the proof holds and raises
:class:`~trustmarket.core.errors.InvalidProof` otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from trustmarket.core.errors import InvalidLogRequest, InvalidProof

HASH_BYTES = 32
#: ``MTH({})``, the root of the empty tree.
EMPTY_ROOT = hashlib.sha256(b"").digest()

#: ``subtree(start, end)`` returns ``MTH(D[start:end])``.
SubtreeHash = Callable[[int, int], bytes]

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the hash of a leaf (RFC 9162 section 2.1.1)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node (RFC 9162 section 2.1.1)."""
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``): RFC 9162's ``k``."""
    return 1 << ((n - 1).bit_length() - 1)


def _mth(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    if end - start == 1:
        return hashes[start]
    k = split_point(end - start)
    return node_hash(_mth(hashes, start, start + k), _mth(hashes, start + k, end))


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """``MTH`` of the tree of these leaf hashes (RFC 9162 section 2.1.1); ``EMPTY_ROOT`` if none."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return _mth(leaf_hashes, 0, len(leaf_hashes))


def list_subtrees(leaf_hashes: Sequence[bytes]) -> SubtreeHash:
    """A :data:`SubtreeHash` over an in-memory list of leaf hashes (``O(end - start)`` a call)."""

    def subtree(start: int, end: int) -> bytes:
        return _mth(leaf_hashes, start, end)

    return subtree


def _check_range(index: int, size: int, what: str) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InvalidLogRequest(f"{what} must be a non-negative int, got {index!r}")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidLogRequest(f"tree size must be a non-negative int, got {size!r}")


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges ``(start, end)`` whose hashes ``MTH(D[start:end])`` make up the audit path
    ``PATH(index, D[0:size])`` of RFC 9162 section 2.1.3.1, leaf side first.

    ``PATH(0, {d0}) = {}``; for ``n > 1``, with ``k = split_point(n)``, ``PATH(m, D[n])`` is
    ``PATH(m, D[0:k]) : MTH(D[k:n])`` if ``m < k`` and ``PATH(m - k, D[k:n]) : MTH(D[0:k])``
    otherwise.

    Raises
    ------
    InvalidLogRequest
        If ``index`` is not a leaf of a tree of ``size`` leaves.
    """
    _check_range(index, size, "leaf index")
    if index >= size:
        raise InvalidLogRequest(
            f"leaf index {index} is not in a tree of size {size}; allowed: 0 to {size - 1}"
        )
    ranges: list[tuple[int, int]] = []
    start, end, m = 0, size, index
    # Walk from the root down, collecting the siblings; the path lists them leaf side first.
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m = start + k, m - k
    ranges.reverse()
    return ranges


def inclusion_path(index: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """The audit path ``PATH(index, D[0:size])``: the hashes of :func:`inclusion_ranges`."""
    return [subtree(start, end) for start, end in inclusion_ranges(index, size)]


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The ranges ``(start, end)`` whose hashes make up the consistency proof
    ``PROOF(m, D[0:n])`` of RFC 9162 section 2.1.4.1.

    ``PROOF(m, D[n]) = SUBPROOF(m, D[n], true)``; ``SUBPROOF(m, D[m], true) = {}``,
    ``SUBPROOF(m, D[m], false) = {MTH(D[m])}``, and for ``m < n`` with ``k = split_point(n)``:
    ``SUBPROOF(m, D[0:k], b) : MTH(D[k:n])`` if ``m <= k``, else
    ``SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])``. The proof is empty when ``m = 0`` or
    ``m = n``.

    Raises
    ------
    InvalidLogRequest
        If ``old_size > new_size`` or a size is negative.
    """
    _check_range(old_size, new_size, "old tree size")
    if old_size > new_size:
        raise InvalidLogRequest(
            f"old tree size {old_size} is larger than the new size {new_size}; a consistency "
            "proof goes from a smaller tree to a larger one"
        )
    if old_size == 0 or old_size == new_size:
        return []
    ranges: list[tuple[int, int]] = []
    start, end, m, complete = 0, new_size, old_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def consistency_path(old_size: int, new_size: int, subtree: SubtreeHash) -> list[bytes]:
    """The consistency proof ``PROOF(old_size, D[0:new_size])``: the hashes of
    :func:`consistency_ranges`."""
    return [subtree(start, end) for start, end in consistency_ranges(old_size, new_size)]


def inclusion_proof(
    leaf_hashes: Sequence[bytes], index: int, size: int | None = None
) -> list[bytes]:
    """:func:`inclusion_path` over a list of leaf hashes (the tree of its first ``size``)."""
    size = len(leaf_hashes) if size is None else size
    if size > len(leaf_hashes):
        raise InvalidLogRequest(f"tree size {size} is past the {len(leaf_hashes)} leaves given")
    return inclusion_path(index, size, list_subtrees(leaf_hashes))


def consistency_proof(
    leaf_hashes: Sequence[bytes], old_size: int, new_size: int | None = None
) -> list[bytes]:
    """:func:`consistency_path` over a list of leaf hashes."""
    new_size = len(leaf_hashes) if new_size is None else new_size
    if new_size > len(leaf_hashes):
        raise InvalidLogRequest(f"tree size {new_size} is past the {len(leaf_hashes)} leaves given")
    return consistency_path(old_size, new_size, list_subtrees(leaf_hashes))


def _check_hash(value: object, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != HASH_BYTES:
        size = f"{len(value)} bytes" if isinstance(value, bytes) else type(value).__name__
        raise InvalidProof(f"{what} must be a {HASH_BYTES}-byte SHA-256 hash, got {size}")
    return value


def _check_sizes(first: int, second: int, first_name: str, second_name: str) -> None:
    for value, name in ((first, first_name), (second, second_name)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidProof(f"{name} must be a non-negative int, got {value!r}")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf`` (a leaf hash) is entry ``index`` of the tree of ``size`` with ``root``.

    The algorithm of RFC 9162 section 2.1.3.2: walk up from the leaf with ``fn = index`` and
    ``sn = size - 1``, hashing each proof element on the left when ``fn`` is odd or ``fn = sn``
    (then shifting past the levels where the right edge has no sibling), on the right otherwise;
    the proof holds if the walk ends with ``sn = 0`` and the computed hash equals ``root``.

    Raises
    ------
    InvalidProof
        If an argument is malformed or the proof does not lead to ``root``; the message says which.
    """
    _check_sizes(index, size, "leaf index", "tree size")
    _check_hash(leaf, "the leaf hash")
    _check_hash(root, "the root hash")
    for position, item in enumerate(proof):
        _check_hash(item, f"proof element {position}")
    if index >= size:
        raise InvalidProof(f"leaf index {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for item in proof:
        if sn == 0:
            raise InvalidProof(
                f"the inclusion proof has {len(proof)} hashes, more than a tree of size {size} "
                f"needs for leaf {index}"
            )
        if fn & 1 or fn == sn:
            r = node_hash(item, r)
            if not fn & 1:
                while not (fn & 1 or fn == 0):
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProof(
            f"the inclusion proof has {len(proof)} hashes, fewer than a tree of size {size} "
            f"needs for leaf {index}"
        )
    if r != root:
        raise InvalidProof(
            f"the inclusion proof for leaf {index} in a tree of size {size} leads to root "
            f"{r.hex()[:16]}..., not {root.hex()[:16]}..."
        )


def verify_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Check that the tree of ``new_size`` with ``new_root`` extends the tree of ``old_size`` with
    ``old_root`` (the older tree is a prefix of the newer).

    The algorithm of RFC 9162 section 2.1.4.2. When ``old_size = new_size`` the proof must be
    empty and the roots equal; when ``old_size = 0`` the proof must be empty (every tree extends
    the empty one). Otherwise ``old_root`` is prepended when ``old_size`` is a power of two, and the
    walk recomputes both roots (``fr`` from the old tree's nodes only, ``sr`` from all).

    Raises
    ------
    InvalidProof
        If an argument is malformed or the proof does not link the two roots.
    """
    _check_sizes(old_size, new_size, "old tree size", "new tree size")
    _check_hash(old_root, "the old root hash")
    _check_hash(new_root, "the new root hash")
    for position, item in enumerate(proof):
        _check_hash(item, f"proof element {position}")
    if old_size > new_size:
        raise InvalidProof(
            f"old tree size {old_size} is larger than the new size {new_size}: the log went "
            "backwards"
        )
    if old_size == new_size:
        if proof:
            raise InvalidProof("a consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise InvalidProof(f"two different roots for the same tree size {old_size}")
        return
    if old_size == 0:
        if proof:
            raise InvalidProof("a consistency proof from the empty tree must be empty")
        return
    if not proof:
        raise InvalidProof(
            f"an empty consistency proof cannot link tree size {old_size} to {new_size}"
        )
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for item in path[1:]:
        if sn == 0:
            raise InvalidProof(
                f"the consistency proof has {len(proof)} hashes, more than sizes {old_size} to "
                f"{new_size} need"
            )
        if fn & 1 or fn == sn:
            fr = node_hash(item, fr)
            sr = node_hash(item, sr)
            if not fn & 1:
                while not (fn & 1 or fn == 0):
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProof(
            f"the consistency proof has {len(proof)} hashes, fewer than sizes {old_size} to "
            f"{new_size} need"
        )
    if fr != old_root:
        raise InvalidProof(
            f"the consistency proof does not reproduce the old root of tree size {old_size}"
        )
    if sr != new_root:
        raise InvalidProof(
            f"the consistency proof does not reproduce the new root of tree size {new_size}"
        )
