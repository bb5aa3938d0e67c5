"""Ed25519 keys: seeded generation, serialisation round trips, signatures and tampering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustmarket.core.errors import InvalidJson, InvalidKey, InvalidSignature
from trustmarket.ledger.keys import KeyPair, PublicKey


def test_seeded_keys_are_reproducible_and_distinct() -> None:
    assert KeyPair.generate(7) == KeyPair.generate(7)
    assert KeyPair.generate(7).public_key == KeyPair.generate(b"\x00" * 7 + b"\x07").public_key
    assert KeyPair.generate(7).key_id != KeyPair.generate(8).key_id
    assert KeyPair.generate("alice").key_id != KeyPair.generate("bob").key_id
    assert KeyPair.generate().key_id != KeyPair.generate().key_id


def test_raw_hex_and_pem_round_trips() -> None:
    pair = KeyPair.generate("host-1")
    assert KeyPair.from_raw(pair.private_raw) == pair
    assert KeyPair.from_pem(pair.pem()) == pair
    assert KeyPair.from_pem(pair.pem().decode()) == pair
    assert KeyPair.from_pem(pair.pem(b"secret"), password=b"secret") == pair
    public = pair.public_key
    assert PublicKey.from_raw(public.raw) == public
    assert PublicKey.from_hex(public.hex) == public
    assert PublicKey.from_pem(public.pem()) == public
    assert b"BEGIN PUBLIC KEY" in public.pem()
    assert b"BEGIN PRIVATE KEY" in pair.pem()
    assert pair.private_raw.hex() not in repr(pair)


def test_sign_and_verify_json() -> None:
    pair = KeyPair.generate(1)
    message = {"quote": 1250, "host": "h1"}
    signature = pair.sign_json(message)
    assert len(signature) == 64
    pair.public_key.verify_json({"host": "h1", "quote": 1250}, signature)
    assert pair.public_key.is_valid(b'{"host":"h1","quote":1250}', signature)
    with pytest.raises(InvalidSignature, match="does not verify"):
        pair.public_key.verify_json({"host": "h1", "quote": 1251}, signature)
    with pytest.raises(InvalidSignature, match="does not verify"):
        KeyPair.generate(2).public_key.verify_json(message, signature)
    with pytest.raises(InvalidSignature, match="64 bytes"):
        pair.public_key.verify_json(message, signature[:-1])
    with pytest.raises(InvalidJson):
        pair.sign_json({"x": float("nan")})


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=64), st.integers(min_value=0, max_value=63), st.integers(1, 255))
def test_any_changed_byte_of_the_signature_fails(message: bytes, position: int, flip: int) -> None:
    pair = KeyPair.generate(3)
    signature = bytearray(pair.sign(message))
    signature[position] ^= flip
    assert not pair.public_key.is_valid(message, bytes(signature))
    if message:
        changed = bytearray(message)
        changed[position % len(message)] ^= flip
        assert not pair.public_key.is_valid(bytes(changed), pair.sign(message))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: PublicKey.from_raw(b"\x00" * 31), "32 raw bytes, got 31"),
        (lambda: PublicKey.from_hex("zz"), "64 hex digits"),
        (lambda: PublicKey.from_pem(b"not pem"), "not a PEM public key"),
        (lambda: KeyPair.from_raw(b"short"), "32 raw bytes, got 5"),
        (lambda: KeyPair.from_pem(b"-----BEGIN PRIVATE KEY-----\n"), "not a PEM private key"),
        (lambda: KeyPair.generate(-1), "non-negative"),
        (lambda: KeyPair.generate(True), "not bool"),
        (lambda: KeyPair.generate(1.5), "not float"),  # type: ignore[arg-type]
        (
            lambda: KeyPair.from_pem(KeyPair.generate(1).pem(b"pw"), password=b"wrong"),
            "wrong password",
        ),
    ],
)
def test_bad_keys_are_refused(call: object, fragment: str) -> None:
    with pytest.raises(InvalidKey, match=fragment):
        call()  # type: ignore[operator]


def test_a_pem_of_another_key_type_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1())
    private = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(InvalidKey, match="only Ed25519"):
        KeyPair.from_pem(private)
    with pytest.raises(InvalidKey, match="only Ed25519"):
        PublicKey.from_pem(public)
