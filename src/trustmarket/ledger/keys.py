"""Ed25519 identities: key pairs, their serialisation, and signatures over canonical JSON
(SPEC section 6, "Identities").

Ed25519 is RFC 8032's EdDSA over edwards25519 (the `cryptography` package does the arithmetic).
A key pair is made from 32 random bytes, or, for reproducible tests and simulations, from a seed:
the private key is ``SHA-256("trustmarket.ledger.keys/ed25519/v1" || seed bytes)``.

Verification raises rather than returns a bool: :meth:`PublicKey.verify` returns ``None`` when the
signature is good and raises :class:`~trustmarket.core.errors.InvalidSignature` otherwise, so a
forgotten check cannot pass silently. :meth:`PublicKey.is_valid` is the bool form for filters.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trustmarket.core.errors import InvalidKey, InvalidSignature
from trustmarket.ledger.canonical import canonical_json

#: Domain separation for seeded key derivation; changing it changes every seeded key.
SEED_DOMAIN = b"trustmarket.ledger.keys/ed25519/v1"
KEY_BYTES = 32
SIGNATURE_BYTES = 64


def _seed_bytes(seed: bytes | str | int) -> bytes:
    if isinstance(seed, bool):
        raise InvalidKey("a seed is bytes, str or a non-negative int, not bool")
    if isinstance(seed, bytes):
        return seed
    if isinstance(seed, str):
        return seed.encode("utf-8")
    if isinstance(seed, int):
        if seed < 0:
            raise InvalidKey(f"an int seed must be non-negative, got {seed}")
        return seed.to_bytes(max(8, (seed.bit_length() + 7) // 8), "big")
    raise InvalidKey(f"a seed is bytes, str or a non-negative int, not {type(seed).__name__}")


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key: verifies signatures; its :attr:`key_id` names the principal.

    Build one with :meth:`from_raw`, :meth:`from_pem` or :meth:`from_hex`.
    """

    raw: bytes
    _key: Ed25519PublicKey = field(repr=False, compare=False)

    @classmethod
    def from_raw(cls, raw: bytes) -> PublicKey:
        """The public key with these 32 raw bytes (RFC 8032 section 5.1.5 encoding)."""
        if not isinstance(raw, bytes) or len(raw) != KEY_BYTES:
            size = len(raw) if isinstance(raw, bytes) else type(raw).__name__
            raise InvalidKey(f"an Ed25519 public key is {KEY_BYTES} raw bytes, got {size}")
        try:
            key = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError as exc:
            raise InvalidKey(f"not an Ed25519 public key: {exc}") from None
        return cls(raw, key)

    @classmethod
    def from_hex(cls, text: str) -> PublicKey:
        """The public key whose raw bytes are this hex string (64 hex digits)."""
        try:
            raw = bytes.fromhex(text)
        except (ValueError, TypeError):
            raise InvalidKey(f"a hex public key is 64 hex digits, got {text!r}") from None
        return cls.from_raw(raw)

    @classmethod
    def from_pem(cls, pem: bytes | str) -> PublicKey:
        """The public key in a PEM ``PUBLIC KEY`` block (SubjectPublicKeyInfo, RFC 8410)."""
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_public_key(data)
        except (ValueError, TypeError) as exc:
            raise InvalidKey(f"not a PEM public key: {exc}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise InvalidKey(f"the PEM holds a {type(key).__name__}; only Ed25519 is allowed")
        return cls.from_raw(key.public_bytes_raw())

    def pem(self) -> bytes:
        """This key as a PEM ``PUBLIC KEY`` block."""
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def hex(self) -> str:
        """The raw key as 64 lowercase hex digits."""
        return self.raw.hex()

    @property
    def key_id(self) -> str:
        """``SHA-256(raw key)`` in hex: a short, stable name for the principal (and a log's id)."""
        return hashlib.sha256(self.raw).hexdigest()

    def verify(self, message: bytes, signature: bytes) -> None:
        """Check an Ed25519 signature over ``message``; return ``None`` if it is good.

        Raises
        ------
        InvalidSignature
            If the signature is not 64 bytes or does not verify for this key and message.
        """
        if not isinstance(signature, bytes) or len(signature) != SIGNATURE_BYTES:
            size = len(signature) if isinstance(signature, bytes) else type(signature).__name__
            raise InvalidSignature(f"an Ed25519 signature is {SIGNATURE_BYTES} bytes, got {size}")
        try:
            self._key.verify(signature, bytes(message))
        except _CryptoInvalidSignature:
            raise InvalidSignature(
                f"the signature does not verify for key {self.key_id[:16]}... and this message"
            ) from None

    def verify_json(self, value: object, signature: bytes) -> None:
        """Check a signature over the canonical JSON of ``value`` (see :meth:`verify`)."""
        self.verify(canonical_json(value), signature)

    def is_valid(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is a good signature over ``message`` (never raises for it)."""
        try:
            self.verify(message, signature)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 key pair: signs bytes and canonical JSON; :attr:`public_key` verifies.

    Build one with :meth:`generate` (random, or from a seed), :meth:`from_raw` or
    :meth:`from_pem`. The private key never appears in ``repr``.
    """

    private_raw: bytes = field(repr=False)
    public_key: PublicKey
    _key: Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def generate(cls, seed: bytes | str | int | None = None) -> KeyPair:
        """A new key pair; from ``seed`` deterministically, else from the OS's random source.

        With a seed the 32-byte private key is ``SHA-256(SEED_DOMAIN || seed bytes)``, where an
        int seed is its big-endian bytes (at least 8) and a str seed its UTF-8 bytes.
        """
        if seed is None:
            return cls.from_raw(secrets.token_bytes(KEY_BYTES))
        return cls.from_raw(hashlib.sha256(SEED_DOMAIN + _seed_bytes(seed)).digest())

    @classmethod
    def from_raw(cls, private_raw: bytes) -> KeyPair:
        """The key pair whose private key is these 32 raw bytes (RFC 8032 section 5.1.5)."""
        if not isinstance(private_raw, bytes) or len(private_raw) != KEY_BYTES:
            size = (
                len(private_raw) if isinstance(private_raw, bytes) else type(private_raw).__name__
            )
            raise InvalidKey(f"an Ed25519 private key is {KEY_BYTES} raw bytes, got {size}")
        key = Ed25519PrivateKey.from_private_bytes(private_raw)
        public = PublicKey.from_raw(key.public_key().public_bytes_raw())
        return cls(private_raw, public, key)

    @classmethod
    def from_pem(cls, pem: bytes | str, password: bytes | None = None) -> KeyPair:
        """The key pair in a PEM ``PRIVATE KEY`` block (PKCS #8), encrypted if ``password``."""
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_private_key(data, password=password)
        except (ValueError, TypeError) as exc:
            raise InvalidKey(f"not a PEM private key (or a wrong password): {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidKey(f"the PEM holds a {type(key).__name__}; only Ed25519 is allowed")
        return cls.from_raw(key.private_bytes_raw())

    def pem(self, password: bytes | None = None) -> bytes:
        """The private key as a PEM ``PRIVATE KEY`` block (PKCS #8), encrypted if ``password``."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    @property
    def key_id(self) -> str:
        """The public key's :attr:`PublicKey.key_id`."""
        return self.public_key.key_id

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message`` (deterministic, RFC 8032 section 5.1.6)."""
        return self._key.sign(bytes(message))

    def sign_json(self, value: object) -> bytes:
        """The signature of the canonical JSON of ``value`` (:func:`canonical_json`)."""
        return self._key.sign(canonical_json(value))
