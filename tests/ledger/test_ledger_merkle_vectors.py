"""The RFC 6962 test vectors of the public Certificate Transparency implementations.

Leaves, roots and proofs as published in transparency-dev/merkle (proof/verify_test.go and
testonly/constants.go, the data Google's certificate-transparency and trillian use too). The
published inclusion vectors number leaves from 1; here indices are 0-based. Every vector is also
corrupted the ways the reference tests corrupt it, and each corruption must fail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from trustmarket.core.errors import InvalidProof
from trustmarket.ledger import merkle
from trustmarket.ledger.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
LEAF_HASHES = [leaf_hash(leaf) for leaf in LEAVES]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# (leaf index, tree size, audit path)
INCLUSION = [
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (0, 1, []),
]

# (old size, new size, consistency proof)
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]


def refuses(check: Callable[..., None], *args: object) -> bool:
    """Whether ``check(*args)`` raises InvalidProof."""
    try:
        check(*args)
    except InvalidProof:
        return True
    return False


SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


def test_hashing_primitives() -> None:
    assert ROOTS[0] == EMPTY_ROOT
    assert leaf_hash(b"") == ROOTS[1]
    assert merkle.node_hash(LEAF_HASHES[0], LEAF_HASHES[1]) == ROOTS[2]
    assert [merkle.split_point(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]


@pytest.mark.parametrize("size", range(9))
def test_roots_of_every_size(size: int) -> None:
    assert root_hash(LEAF_HASHES[:size]) == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_published_inclusion_proofs(index: int, size: int, path: list[bytes]) -> None:
    assert inclusion_proof(LEAF_HASHES, index, size) == path
    verify_inclusion(LEAF_HASHES[index], index, size, path, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_published_consistency_proofs(old: int, new: int, path: list[bytes]) -> None:
    assert consistency_proof(LEAF_HASHES, old, new) == path
    verify_consistency(old, new, path, ROOTS[old], ROOTS[new])


def corrupted_inclusion(
    index: int, size: int, path: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[str, tuple[int, int, list[bytes], bytes, bytes]]]:
    probes = [
        ("index - 1", (index - 1, size, path, root, leaf)),
        ("index + 1", (index + 1, size, path, root, leaf)),
        ("index ^ 2", (index ^ 2, size, path, root, leaf)),
        ("size * 2", (index, size * 2, path, root, leaf)),
        ("size // 2", (index, size // 2, path, root, leaf)),
        ("wrong leaf", (index, size, path, root, leaf_hash(b"WrongLeaf"))),
        ("empty root", (index, size, path, EMPTY_ROOT, leaf)),
        ("random root", (index, size, path, SOME_HASH, leaf)),
        ("trailing root", (index, size, [*path, root], root, leaf)),
        ("preceding root", (index, size, [root, *path], root, leaf)),
        ("trailing garbage", (index, size, [*path, b""], root, leaf)),
    ]
    for k in range(len(path)):
        wrong = list(path)
        wrong[k] = bytes([wrong[k][0] ^ 8]) + wrong[k][1:]
        probes.append((f"modified proof[{k}] bit 3", (index, size, wrong, root, leaf)))
    if path:
        probes.append(("removed component", (index, size, path[:-1], root, leaf)))
    if len(path) > 1:
        probes.append(
            ("inserted component", (index, size, [path[0], SOME_HASH, *path[1:]], root, leaf))
        )
    return probes


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_corrupted_inclusion_proofs_fail(index: int, size: int, path: list[bytes]) -> None:
    probes = corrupted_inclusion(index, size, path, ROOTS[size], LEAF_HASHES[index])
    verified = [
        name
        for name, (i, n, p, root, leaf) in probes
        if not refuses(verify_inclusion, leaf, i, n, p, root)
    ]
    assert not verified


@pytest.mark.parametrize(("old", "new", "path"), [c for c in CONSISTENCY if c[2]])
def test_corrupted_consistency_proofs_fail(old: int, new: int, path: list[bytes]) -> None:
    root1, root2 = ROOTS[old], ROOTS[new]
    probes = [
        ("old - 1", (old - 1, new, path, root1, root2)),
        ("old + 1", (old + 1, new, path, root1, root2)),
        ("old ^ 2", (old ^ 2, new, path, root1, root2)),
        ("new * 2", (old, new * 2, path, root1, root2)),
        ("new // 2", (old, new // 2, path, root1, root2)),
        ("wrong root1", (old, new, path, SOME_HASH, root2)),
        ("wrong root2", (old, new, path, root1, SOME_HASH)),
        ("swapped roots", (old, new, path, root2, root1)),
        ("empty proof", (old, new, [], root1, root2)),
        ("trailing root1", (old, new, [*path, root1], root1, root2)),
        ("trailing root2", (old, new, [*path, root2], root1, root2)),
        ("preceding root1", (old, new, [root1, *path], root1, root2)),
        ("preceding root2", (old, new, [root2, *path], root1, root2)),
        ("preceding proof[0]", (old, new, [path[0], *path], root1, root2)),
        ("truncated proof", (old, new, path[:-1], root1, root2)),
        ("trailing garbage", (old, new, [*path, b""], root1, root2)),
    ]
    for k in range(len(path)):
        wrong = list(path)
        wrong[k] = bytes([wrong[k][0] ^ 16]) + wrong[k][1:]
        probes.append((f"modified proof[{k}] bit 4", (old, new, wrong, root1, root2)))
    verified = [
        name
        for name, (m, n, p, r1, r2) in probes
        if not refuses(verify_consistency, m, n, p, r1, r2)
    ]
    assert not verified


def test_trivial_consistency_cases() -> None:
    verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    verify_consistency(0, 5, [], EMPTY_ROOT, ROOTS[5])
    verify_consistency(3, 3, [], ROOTS[3], ROOTS[3])
    with pytest.raises(InvalidProof, match="different roots"):
        verify_consistency(3, 3, [], ROOTS[3], ROOTS[4])
    with pytest.raises(InvalidProof, match="must be empty"):
        verify_consistency(0, 1, [EMPTY_ROOT], EMPTY_ROOT, ROOTS[1])
    with pytest.raises(InvalidProof, match="must be empty"):
        verify_consistency(1, 1, [EMPTY_ROOT], ROOTS[1], ROOTS[1])
    with pytest.raises(InvalidProof, match="backwards"):
        verify_consistency(2, 1, [], ROOTS[2], ROOTS[1])


def test_single_entry_inclusion() -> None:
    only = leaf_hash(b"data")
    verify_inclusion(only, 0, 1, [], only)
    for leaf, root in ((only, b""), (b"", only), (b"", b"")):
        with pytest.raises(InvalidProof, match="32-byte"):
            verify_inclusion(leaf, 0, 1, [], root)
    for index, size in ((0, 0), (1, 0), (2, 1)):
        with pytest.raises(InvalidProof, match="not in a tree"):
            verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)
    with pytest.raises(InvalidProof, match="non-negative"):
        verify_inclusion(only, -1, 1, [], only)
