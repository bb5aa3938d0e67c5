"""The transparency log at scale (issue 7 targets: append at least 5,000 signed entries/s to the
SQLite store; produce and verify inclusion proofs at 1,000,000 leaves in under 1 ms each).

Append: ``--entries`` (default 100,000) entries, each the canonical JSON of
``{"author", "body", "signature"}`` where the body (a small quote) is signed by an author's
Ed25519 key; the clock covers signing, canonical JSON and ``log.append`` (one SQLite transaction
per entry, WAL journal, ``synchronous=NORMAL``, in a temporary file). Baseline in the same run:
inserting the same entry bytes into a plain SQLite table, one transaction each, without the
Merkle tree. For information, the same append in batches of 1,000 entries per transaction.

Proofs: a log of ``--leaves`` (default 1,000,000) entries in SQLite, built by the bulk path
(``log.append_many`` in batches of 50,000 small unsigned entries: one transaction per batch, the
store hashes leaves and complete subtrees as in any append). Then, for 1,000 seeded random
indices: the time to produce an inclusion proof (``log.inclusion_proof``, read from the cached
subtree hashes), to verify it alone (``merkle.verify_inclusion``) and to verify it with the signed
tree head (``verify.verify_inclusion``, which also checks the head's Ed25519 signature); and the
time of 1,000 consistency proofs with their verification.

Run: ``make bench`` or ``python bench/ledger.py [--entries 100000] [--leaves 1000000]``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from trustmarket.ledger import KeyPair, SQLiteStore, TransparencyLog, canonical_json, merkle
from trustmarket.ledger.verify import verify_inclusion

APPEND_TARGET = 5_000.0
PROOF_TARGET_MS = 1.0
PROBES = 1_000
BATCH = 50_000


def signed_entry(author: KeyPair, k: int) -> bytes:
    body = {"item": f"lot-{k % 997}", "price": 1_000 + k % 5_000, "quote": k, "time": k}
    return canonical_json(
        {"author": author.key_id, "body": body, "signature": author.sign_json(body).hex()}
    )


def bench_append(entries: int, directory: Path) -> None:
    log_key, author = KeyPair.generate("bench-log"), KeyPair.generate("bench-author")
    store = SQLiteStore(directory / "append.db")
    log = TransparencyLog(log_key, store)
    start = time.perf_counter()
    for k in range(entries):
        log.append(signed_entry(author, k))
    elapsed = time.perf_counter() - start
    rate = entries / elapsed
    verdict = "met" if rate >= APPEND_TARGET else "MISSED"
    print(
        f"append {entries:,} signed entries (sign + canonical JSON + append, one transaction "
        f"each): {rate:,.0f}/s ({rate / APPEND_TARGET:.2f}x the {APPEND_TARGET:,.0f}/s "
        f"target: {verdict})"
    )
    store.close()

    prepared = [signed_entry(author, k) for k in range(entries)]
    store = SQLiteStore(directory / "append-only.db")
    log = TransparencyLog(log_key, store)
    start = time.perf_counter()
    for entry in prepared:
        log.append(entry)
    ours = time.perf_counter() - start
    store.close()
    plain = sqlite3.connect(directory / "plain.db", isolation_level=None)
    plain.execute("PRAGMA journal_mode=WAL")
    plain.execute("PRAGMA synchronous=NORMAL")
    plain.execute("CREATE TABLE entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    start = time.perf_counter()
    for k, entry in enumerate(prepared):
        plain.execute("BEGIN IMMEDIATE")
        plain.execute("INSERT INTO entries (idx, data) VALUES (?, ?)", (k, entry))
        plain.execute("COMMIT")
    baseline = time.perf_counter() - start
    plain.close()
    print(
        f"  the append alone (entries signed beforehand): {entries / ours:,.0f}/s; baseline "
        f"plain SQLite insert, one transaction each: {entries / baseline:,.0f}/s; the log "
        f"takes {ours / baseline:.2f}x the baseline's time (the Merkle nodes and leaf hash)"
    )
    store = SQLiteStore(directory / "append-batched.db")
    log = TransparencyLog(log_key, store)
    start = time.perf_counter()
    for first in range(0, entries, 1_000):
        log.append_many(prepared[first : first + 1_000])
    batched = time.perf_counter() - start
    store.close()
    print(f"  batched, 1,000 entries per transaction: {entries / batched:,.0f}/s")


def bench_proofs(leaves: int, directory: Path, seed: int) -> None:
    log = TransparencyLog(KeyPair.generate("bench-log"), SQLiteStore(directory / "proofs.db"))
    start = time.perf_counter()
    for first in range(0, leaves, BATCH):
        log.append_many([b"leaf %d" % k for k in range(first, min(leaves, first + BATCH))])
    print(
        f"\nbuilt a log of {leaves:,} leaves in SQLite by the bulk path (batches of "
        f"{BATCH:,}) in {time.perf_counter() - start:.1f} s"
    )
    head = log.tree_head(timestamp=1)
    rng = random.Random(seed)
    indices = [rng.randrange(leaves) for _ in range(PROBES)]
    entries = [log.entry(index) for index in indices]

    start = time.perf_counter()
    proofs = [log.inclusion_proof(index) for index in indices]
    produce = (time.perf_counter() - start) / PROBES * 1000
    leaf_hashes = [merkle.leaf_hash(entry) for entry in entries]
    start = time.perf_counter()
    for proof, leaf in zip(proofs, leaf_hashes, strict=True):
        merkle.verify_inclusion(leaf, proof.index, proof.size, proof.path, head.root_hash)
    verify_alone = (time.perf_counter() - start) / PROBES * 1000
    start = time.perf_counter()
    for proof, entry in zip(proofs, entries, strict=True):
        verify_inclusion(entry, proof, head, log.public_key)
    verify_signed = (time.perf_counter() - start) / PROBES * 1000
    for name, value in (
        ("produce an inclusion proof", produce),
        ("verify it (Merkle path only)", verify_alone),
        ("verify it with the signed head", verify_signed),
    ):
        verdict = "met" if value < PROOF_TARGET_MS else "MISSED"
        print(
            f"  {name:<32} {value:8.3f} ms each ({len(proofs[0].path)} hashes; target "
            f"< {PROOF_TARGET_MS:g} ms: {verdict}, {PROOF_TARGET_MS / value:,.0f}x under)"
        )
    olds = [rng.randrange(1, leaves + 1) for _ in range(PROBES)]
    start = time.perf_counter()
    for old in olds:
        link = log.consistency_proof(old)
        merkle.verify_consistency(old, leaves, link.path, log.root_hash(old), head.root_hash)
    consistency = (time.perf_counter() - start) / PROBES * 1000
    print(f"  consistency proof + old root + verification: {consistency:.3f} ms each")
    log.store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.entries < 1 or args.leaves < 1:
        sys.exit("--entries and --leaves must be at least 1")
    with tempfile.TemporaryDirectory(prefix="trustmarket-bench-ledger-") as name:
        directory = Path(name)
        bench_append(args.entries, directory)
        bench_proofs(args.leaves, directory, args.seed)


if __name__ == "__main__":
    main()
