"""Accounts, tokens and roles over HTTP, on both databases: sign-up, log in and out, API tokens,
replayed tokens, and who may do what."""

from __future__ import annotations

import httpx
import pytest
from live_server import PASSWORD, LiveServer

from trustmarket.client import ApiError


def _refused(call: object, status: int, code: str | None = None) -> ApiError:
    assert callable(call)
    with pytest.raises(ApiError) as caught:
        call()
    assert caught.value.status == status, caught.value
    if code is not None:
        assert caught.value.code == code, caught.value
    return caught.value


def test_sign_up_log_in_and_out(server: LiveServer) -> None:
    alice = server.client()
    made = alice.register("alice", PASSWORD)
    assert made["name"] == "alice" and made["roles"] == ["participant"]
    token = alice.login("alice", PASSWORD)
    assert alice.me()["name"] == "alice"
    alice.logout()
    replay = server.client(token)
    error = _refused(replay.me, 401, "not_authenticated")
    assert "revoked" in error.message
    # the refusal changed nothing: logging in again works
    assert server.client().login("alice", PASSWORD)


def test_wrong_name_and_wrong_password_get_the_same_answer(server: LiveServer) -> None:
    server.client().register("bob", PASSWORD)
    wrong_password = _refused(lambda: server.client().login("bob", "not-the-password"), 401)
    wrong_name = _refused(lambda: server.client().login("nobody", PASSWORD), 401)
    assert wrong_password.message == wrong_name.message == "wrong account name or password"


def test_sign_up_refusals_say_what_is_allowed(server: LiveServer) -> None:
    client = server.client()
    error = _refused(lambda: client.register("x", PASSWORD), 422, "invalid_account")
    assert "3 to 64 characters" in error.message
    error = _refused(lambda: client.register("carol", "short"), 422, "invalid_account")
    assert "8 to 256" in error.message
    error = _refused(lambda: client.register("carol", PASSWORD, ["admin"]), 422)
    assert "granted by an admin" in error.message
    client.register("carol", PASSWORD)
    error = _refused(lambda: client.register("carol", PASSWORD), 422, "invalid_account")
    assert "taken" in error.message


def test_api_tokens_act_for_their_account(server: LiveServer) -> None:
    owner = server.user("dave", ["participant", "auction_owner"])
    agent = server.client(owner.api_token())
    assert agent.me() == {**owner.me(), "token_kind": "api"}
    # logging the person out does not stop the agent's token
    owner.logout()
    assert agent.me()["name"] == "dave"


def test_requests_without_a_token_are_refused(server: LiveServer) -> None:
    anonymous = server.client()
    _refused(anonymous.me, 401, "not_authenticated")
    _refused(lambda: anonymous.create_auction("english", "EUR", duration=60), 401)
    response = httpx.get(f"{server.url}/api/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_roles_decide_who_may_do_what(server: LiveServer) -> None:
    participant = server.user("erin")
    error = _refused(
        lambda: participant.create_auction(
            "english", "EUR", duration=60, config={"increment": "1.00"}
        ),
        403,
        "not_permitted",
    )
    assert "auction_owner" in error.message
    owner = server.user("frank", ["auction_owner"])
    auction = owner.create_auction("english", "EUR", duration=60, config={"increment": "1.00"})
    # an owner without the participant role may not bid
    _refused(lambda: owner.join(auction["auction_id"]), 403, "not_permitted")
    # only the owner (or an admin) closes an auction
    _refused(lambda: participant.close_auction(auction["auction_id"]), 403, "not_permitted")
    # only an admin sets roles
    _refused(lambda: participant.set_roles("erin", ["admin"]), 403, "not_permitted")
    assert participant.me()["roles"] == ["participant"]


def test_an_admin_grants_roles_and_the_change_takes_effect_at_once(server: LiveServer) -> None:
    # the first admin comes from the service's own code path (there is no self-service admin)
    from sqlalchemy.orm import Session

    from trustmarket.service import accounts

    def make_admin(work: object) -> None:
        with Session(bind=work.connection) as session:  # type: ignore[attr-defined]
            accounts.register(session, "root", PASSWORD, work.now, ("admin",))  # type: ignore[attr-defined]

    server.service.writer.call(make_admin)
    admin = server.client()
    admin.login("root", PASSWORD)
    grace = server.user("grace")
    _refused(
        lambda: grace.create_auction("english", "EUR", duration=60, config={"increment": "1.00"}),
        403,
    )
    changed = admin.set_roles("grace", ["participant", "auction_owner"])
    assert changed["roles"] == ["participant", "auction_owner"]
    assert grace.create_auction("english", "EUR", duration=60, config={"increment": "1.00"})
    _refused(lambda: admin.set_roles("nobody", ["participant"]), 404, "not_found")
