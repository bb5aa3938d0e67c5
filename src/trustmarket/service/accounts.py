"""Accounts, passwords and bearer tokens (SPEC section 9).

Passwords are kept as argon2id hashes (argon2-cffi's defaults, RFC 9106's second recommended
setting). A token is 32 random bytes, URL-safe base64; only its SHA-256 is stored, so a stolen
database gives no usable token. Logging out revokes the token for good: the row stays, marked,
so a replayed token is refused. The caller passes the time (``now``, Unix seconds) and the
session; this module reads no clock and commits nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustmarket.core.errors import InvalidAccount, NotAuthenticated
from trustmarket.core.ids import new_ulid
from trustmarket.service.schema import ROLES, Account, ApiToken

__all__ = [
    "NAME_PATTERN",
    "PASSWORD_LENGTH",
    "TOKEN_KINDS",
    "NewAccount",
    "add_account",
    "authenticate",
    "issue_token",
    "login",
    "password_matches",
    "prepare_account",
    "register",
    "revoke",
    "token_hash",
]

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{2,63}")
PASSWORD_LENGTH = (8, 256)
#: A login session of a person, or an API token for an agent.
TOKEN_KINDS = ("session", "api")
_HASHER = PasswordHasher()
# A hash to verify against when the name is unknown, so both failures take the same time.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _live_token(session: Session, token: str) -> ApiToken:
    """The stored row of a token that is neither unknown nor revoked."""
    row = session.get(ApiToken, token_hash(token)) if isinstance(token, str) else None
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated("the token is unknown, expired or revoked; log in again")
    return row


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(roles))
    unknown = [r for r in chosen if r not in ROLES]
    if unknown or not chosen:
        raise InvalidAccount(
            f"unknown role(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"allowed: {', '.join(ROLES)}"
        )
    return chosen


@dataclass(frozen=True)
class NewAccount:
    """A checked account request with its password already hashed (hashing is slow, so the
    service does it before it takes the database's write lock)."""

    name: str
    password_hash: str
    roles: tuple[str, ...]


def prepare_account(
    name: str, password: str, roles: Iterable[str] = ("participant",)
) -> NewAccount:
    """Check an account request and hash its password; touches no database.

    The name is 3 to 64 characters of a-z, 0-9, '_', '.', '-' starting with a letter or digit,
    the password 8 to 256 characters, the roles from :data:`~trustmarket.service.schema.ROLES`.
    """
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidAccount(
            f"account name {name!r} is not allowed: 3 to 64 characters of a-z, 0-9, '_', '.', "
            "'-', starting with a letter or digit"
        )
    low, high = PASSWORD_LENGTH
    if not isinstance(password, str) or not low <= len(password) <= high:
        raise InvalidAccount(f"a password must be {low} to {high} characters long")
    chosen = _check_roles(roles)
    return NewAccount(name=name, password_hash=_HASHER.hash(password), roles=chosen)


def add_account(session: Session, new: NewAccount, now: int) -> Account:
    """Store a prepared account; a taken name is refused and nothing is added."""
    if session.scalar(select(Account.id).where(Account.name == new.name)) is not None:
        raise InvalidAccount(f"account name {new.name!r} is taken; choose another")
    account = Account(
        # A generator per account: a shared one would not be safe across request threads.
        id=new_ulid(now * 1000, np.random.default_rng(secrets.randbits(128))),
        name=new.name,
        password_hash=new.password_hash,
        roles=",".join(new.roles),
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account


def register(
    session: Session,
    name: str,
    password: str,
    now: int,
    roles: Iterable[str] = ("participant",),
) -> Account:
    """A new account (:func:`prepare_account`, then :func:`add_account`). Nothing is added when
    the name, the password or a role is refused, or the name is taken."""
    return add_account(session, prepare_account(name, password, roles), now)


def password_matches(account: Account | None, password: object) -> bool:
    """True if ``password`` is ``account``'s; takes as long for an unknown account (None)."""
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)  # type: ignore[arg-type]
    except (VerificationError, InvalidHashError):
        return False
    except TypeError:
        return False
    return account is not None


def issue_token(session: Session, account: Account, now: int, kind: str = "session") -> str:
    """A new bearer token for ``account`` (returned once; only its hash is kept)."""
    if kind not in TOKEN_KINDS:
        raise InvalidAccount(f"unknown token kind {kind!r}; allowed: {', '.join(TOKEN_KINDS)}")
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(token_hash=token_hash(token), account_id=account.id, kind=kind, created_at=now)
    )
    session.flush()
    return token


def login(session: Session, name: str, password: str, now: int) -> str:
    """A session token when ``password`` is the account's; otherwise :class:`NotAuthenticated`
    with the same message whether the name or the password was wrong."""
    account = session.scalar(select(Account).where(Account.name == name))
    if account is None or not password_matches(account, password):
        if account is None:
            password_matches(None, password)  # the same time as a wrong password
        raise NotAuthenticated("wrong account name or password")
    return issue_token(session, account, now)


def authenticate(session: Session, token: str) -> Account:
    """The account a live token belongs to; an unknown or revoked token is refused."""
    row = _live_token(session, token)
    account = session.get(Account, row.account_id)
    if account is None:  # pragma: no cover - the foreign key forbids it
        raise NotAuthenticated("the token's account no longer exists")
    return account


def revoke(session: Session, token: str, now: int) -> None:
    """Log out: the token stops working at once and for good."""
    _live_token(session, token).revoked_at = now
    session.flush()
