"""Accounts: argon2 passwords, tokens, logout that revokes for good; bad requests refused with
the reason and nothing stored (SQLite; PostgreSQL when its URL is set)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from trustmarket.core.errors import InvalidAccount, NotAuthenticated
from trustmarket.service.accounts import authenticate, issue_token, login, register, revoke
from trustmarket.service.schema import Account, ApiToken

NOW = 1_800_000_000


def _counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        accounts = session.scalar(select(func.count()).select_from(Account))
        tokens = session.scalar(select(func.count()).select_from(ApiToken))
    return int(accounts or 0), int(tokens or 0)


def test_register_login_authenticate_and_logout(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        alice = register(session, "alice", "correct horse battery", NOW)
        assert alice.password_hash.startswith("$argon2id$")
        assert "correct horse" not in alice.password_hash
    with Session(engine) as session, session.begin():
        token = login(session, "alice", "correct horse battery", NOW + 1)
    with Session(engine) as session, session.begin():
        assert authenticate(session, token).name == "alice"
        revoke(session, token, NOW + 2)
    with Session(engine) as session, session.begin():
        with pytest.raises(NotAuthenticated, match="revoked"):
            authenticate(session, token)  # a replayed token after logout
        with pytest.raises(NotAuthenticated):
            revoke(session, token, NOW + 3)


def test_only_the_tokens_hash_is_stored(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        bob = register(session, "bob", "a long enough password", NOW, roles=["auction_owner"])
        token = issue_token(session, bob, NOW, kind="api")
    with Session(engine) as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
        assert len(stored) == 1 and token.encode() not in stored[0] and len(stored[0]) == 32
        assert authenticate(session, token).roles == "auction_owner"


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        register(session, "carol", "carol's password", NOW)
    messages = []
    for name, password in (("carol", "not her password"), ("nobody", "carol's password")):
        with Session(engine) as session, session.begin():
            with pytest.raises(NotAuthenticated) as caught:
                login(session, name, password, NOW)
            messages.append(caught.value.message)
    assert messages[0] == messages[1]
    assert _counts(engine) == (1, 0)


@pytest.mark.parametrize(
    ("name", "password", "roles", "message"),
    [
        ("Al", "long enough pw", ["participant"], "is not allowed: 3 to 64"),
        ("-dash", "long enough pw", ["participant"], "starting with a letter or digit"),
        ("dave", "short", ["participant"], "8 to 256 characters"),
        ("dave", "x" * 257, ["participant"], "8 to 256 characters"),
        ("dave", "long enough pw", ["king"], "unknown role"),
        ("dave", "long enough pw", [], "unknown role"),
    ],
)
def test_bad_registrations_are_refused_and_store_nothing(
    engine: Engine, name: str, password: str, roles: list[str], message: str
) -> None:
    with Session(engine) as session, session.begin(), pytest.raises(InvalidAccount, match=message):
        register(session, name, password, NOW, roles=roles)
    assert _counts(engine) == (0, 0)


def test_a_taken_name_is_refused_and_the_first_account_is_kept(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        register(session, "erin", "erin's password", NOW)
    with Session(engine) as session, session.begin(), pytest.raises(InvalidAccount, match="taken"):
        register(session, "erin", "another password", NOW)
    with Session(engine) as session, session.begin():
        assert login(session, "erin", "erin's password", NOW)
    assert _counts(engine) == (1, 1)


def test_an_unknown_token_kind_is_refused(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        frank = register(session, "frank", "frank's password", NOW)
        with pytest.raises(InvalidAccount, match="allowed: session, api"):
            issue_token(session, frank, NOW, kind="forever")
    assert _counts(engine) == (1, 0)


def test_tokens_that_are_not_strings_or_never_issued_are_refused(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        for token in ("never-issued", "", 42):
            with pytest.raises(NotAuthenticated, match="unknown, expired or revoked"):
                authenticate(session, token)  # type: ignore[arg-type]
            with pytest.raises(NotAuthenticated, match="unknown, expired or revoked"):
                revoke(session, token, NOW)  # type: ignore[arg-type]
    assert _counts(engine) == (0, 0)
