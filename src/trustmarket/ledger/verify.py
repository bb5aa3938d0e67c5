"""Client-side checks of a transparency log: they need only the proof, the entry, a signed tree
head and the log's public key, never the log itself (RFC 9162 section 8.1, "TLS clients" and
"monitors").

Each check returns ``None`` when it holds and raises a specific error when it does not:
:class:`~trustmarket.core.errors.InvalidTreeHead` (bad signature, another log),
:class:`~trustmarket.core.errors.InvalidProof` (a proof that does not verify or is for another
tree size), :class:`~trustmarket.core.errors.TreeHeadRollback` and
:class:`~trustmarket.core.errors.LogFork` (a log that went backwards or showed two histories).

:class:`LogClient` keeps the last verified head and accepts a new one only with a consistency
proof from it, which is how a client catches a hostile log.
"""

from __future__ import annotations

from trustmarket.core.errors import (
    InvalidProof,
    InvalidSignature,
    InvalidTreeHead,
    LogFork,
    TreeHeadRollback,
)
from trustmarket.ledger import merkle
from trustmarket.ledger.keys import PublicKey
from trustmarket.ledger.log import ConsistencyProof, InclusionProof, TreeHead, entry_bytes


def verify_tree_head(head: TreeHead, log_key: PublicKey) -> None:
    """Check that ``head`` names the log of ``log_key`` and carries its valid signature.

    Raises
    ------
    InvalidTreeHead
        If the head is from another log, is malformed, or its signature does not verify.
    """
    if not isinstance(head, TreeHead):
        raise InvalidTreeHead(f"expected a TreeHead, got {type(head).__name__}")
    if head.log_id != log_key.key_id:
        raise InvalidTreeHead(
            f"the tree head is from log {head.log_id[:16]}..., not from log "
            f"{log_key.key_id[:16]}..."
        )
    if len(head.root_hash) != merkle.HASH_BYTES:
        raise InvalidTreeHead(f"the root hash has {len(head.root_hash)} bytes, not 32")
    try:
        log_key.verify(head.signed_bytes(), head.signature)
    except InvalidSignature as exc:
        raise InvalidTreeHead(
            f"the signature of the tree head of size {head.size} does not verify: {exc}"
        ) from None


def verify_inclusion(
    entry: object, proof: InclusionProof, head: TreeHead, log_key: PublicKey
) -> None:
    """Check that ``entry`` is entry ``proof.index`` of the tree ``head`` signs.

    ``entry`` is the stored bytes, or a value whose canonical JSON was stored. The head's
    signature is checked first, then that the proof is for the head's tree size, then the audit
    path (RFC 9162 section 2.1.3.2).

    Raises
    ------
    InvalidTreeHead
        If the head is not a valid head of this log.
    InvalidProof
        If the proof is for another tree size or does not lead to the head's root.
    """
    verify_tree_head(head, log_key)
    if proof.size != head.size:
        raise InvalidProof(
            f"the inclusion proof is for tree size {proof.size}, but the tree head is for size "
            f"{head.size}"
        )
    merkle.verify_inclusion(
        merkle.leaf_hash(entry_bytes(entry)), proof.index, proof.size, proof.path, head.root_hash
    )


def verify_consistency(
    proof: ConsistencyProof, old: TreeHead, new: TreeHead, log_key: PublicKey
) -> None:
    """Check that the tree ``new`` signs extends the tree ``old`` signs (RFC 9162 2.1.4.2).

    Raises
    ------
    InvalidTreeHead
        If either head is not a valid head of this log.
    InvalidProof
        If the proof is for other sizes than the heads', or does not link their roots.
    """
    verify_tree_head(old, log_key)
    verify_tree_head(new, log_key)
    if (proof.old_size, proof.new_size) != (old.size, new.size):
        raise InvalidProof(
            f"the consistency proof is for sizes {proof.old_size} to {proof.new_size}, but the "
            f"tree heads are for sizes {old.size} to {new.size}"
        )
    merkle.verify_consistency(old.size, new.size, proof.path, old.root_hash, new.root_hash)


class LogClient:
    """A client (or monitor) of one log: remembers the last verified tree head and accepts a
    newer one only if it is consistent with it.

    It catches a hostile log that answers with a proof for another tree size
    (:class:`InvalidProof`), a head that went backwards in size or time
    (:class:`TreeHeadRollback`), or a forked history: a head of the same size with another root,
    or a larger head no consistency proof links to the verified one (:class:`LogFork`). A refused
    head leaves the client's state unchanged.

    Parameters
    ----------
    log_key
        The log's public key, obtained out of band.
    trusted
        A head already trusted (it is verified now); the first :meth:`update` is otherwise
        trust on first use.
    """

    def __init__(self, log_key: PublicKey, trusted: TreeHead | None = None) -> None:
        self.log_key = log_key
        self._latest: TreeHead | None = None
        if trusted is not None:
            verify_tree_head(trusted, log_key)
            self._latest = trusted

    @property
    def latest(self) -> TreeHead | None:
        """The last verified tree head (``None`` before the first)."""
        return self._latest

    def update(self, head: TreeHead, proof: ConsistencyProof | None = None) -> None:
        """Accept ``head`` if it is a valid head of this log, consistent with :attr:`latest`.

        ``proof`` is the consistency proof from :attr:`latest`'s size to ``head``'s; it may be
        left out when there is no latest head yet, or when the sizes are equal.

        Raises
        ------
        InvalidTreeHead
            If the head's signature does not verify or it is from another log.
        TreeHeadRollback
            If the head is smaller, or older, than the last verified one.
        LogFork
            If the head has the same size but another root, or the proof does not link it.
        InvalidProof
            If the proof is missing or for other sizes.
        """
        verify_tree_head(head, self.log_key)
        latest = self._latest
        if latest is None:
            self._latest = head
            return
        if head.size < latest.size:
            raise TreeHeadRollback(
                f"the log answered with a tree head of size {head.size}, smaller than the "
                f"verified size {latest.size}"
            )
        if head.timestamp < latest.timestamp:
            raise TreeHeadRollback(
                f"the tree head's timestamp {head.timestamp} is earlier than the verified "
                f"head's {latest.timestamp}"
            )
        if head.size == latest.size:
            if head.root_hash != latest.root_hash:
                raise LogFork(
                    f"two tree heads of size {head.size} with different roots "
                    f"({latest.root_hash.hex()[:16]}... and {head.root_hash.hex()[:16]}...)"
                )
            self._latest = head
            return
        if proof is None:
            raise InvalidProof(
                f"a consistency proof from size {latest.size} to {head.size} is needed"
            )
        if (proof.old_size, proof.new_size) != (latest.size, head.size):
            raise InvalidProof(
                f"the consistency proof is for sizes {proof.old_size} to {proof.new_size}, but "
                f"the client needs {latest.size} to {head.size}"
            )
        try:
            merkle.verify_consistency(
                latest.size, head.size, proof.path, latest.root_hash, head.root_hash
            )
        except InvalidProof as exc:
            raise LogFork(
                f"the tree head of size {head.size} is not consistent with the verified head of "
                f"size {latest.size}: {exc}"
            ) from exc
        self._latest = head

    def verify_inclusion(self, entry: object, proof: InclusionProof) -> None:
        """Check ``entry`` against :attr:`latest`: the proof must be for its tree size.

        Raises
        ------
        InvalidProof
            If there is no verified head, the proof is for another tree size, or it fails.
        """
        latest = self._latest
        if latest is None:
            raise InvalidProof("no verified tree head yet: update() the client first")
        verify_inclusion(entry, proof, latest, self.log_key)
