"""Accounts, sessions and API tokens (SPEC section 9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from trustmarket.core.errors import InvalidAccount, NotAuthenticated, UnknownResource
from trustmarket.service import accounts
from trustmarket.service.deps import Caller, Token, service_of
from trustmarket.service.models import LoginBody, RegisterBody, RolesBody, TokenBody
from trustmarket.service.schema import Account
from trustmarket.service.writer import Work

router = APIRouter(prefix="/api", tags=["accounts"])

#: Roles anyone may take at sign-up; the others are granted by an admin.
SELF_SERVICE_ROLES = ("participant", "auction_owner")


def _account_json(account: Account) -> dict[str, Any]:
    return {"account_id": account.id, "name": account.name, "roles": account.roles.split(",")}


@router.post("/accounts", status_code=status.HTTP_201_CREATED, summary="Sign up")
async def register(body: RegisterBody, request: Request) -> dict[str, Any]:
    """Create an account. Roles other than participant and auction_owner need an admin."""
    service = service_of(request)
    granted = [r for r in body.roles if r not in SELF_SERVICE_ROLES]
    if granted:
        raise InvalidAccount(
            f"role(s) {', '.join(granted)} are granted by an admin; at sign-up choose from: "
            f"{', '.join(SELF_SERVICE_ROLES)}"
        )
    new = await run_in_threadpool(accounts.prepare_account, body.name, body.password, body.roles)

    def job(work: Work) -> dict[str, Any]:
        with Session(bind=work.connection) as session:
            account = accounts.add_account(session, new, work.now)
            data = _account_json(account)
        data["log_index"] = service.log.append(
            work, {"type": "account_registered", "account": new.name, "roles": list(new.roles)}
        )
        return data

    return await service.run(job)


@router.post("/sessions", status_code=status.HTTP_201_CREATED, summary="Log in")
async def log_in(body: LoginBody, request: Request) -> dict[str, Any]:
    """A session token for a name and password (the same refusal for either being wrong)."""
    service = service_of(request)
    account = await run_in_threadpool(service.account_by_name, body.name)
    if not await run_in_threadpool(accounts.password_matches, account, body.password):
        raise NotAuthenticated("wrong account name or password")
    assert account is not None
    account_id = account.id

    def job(work: Work) -> dict[str, Any]:
        with Session(bind=work.connection) as session:
            row = session.get(Account, account_id)
            if row is None:
                raise NotAuthenticated("wrong account name or password")
            token = accounts.issue_token(session, row, work.now, "session")
            return {"token": token, "kind": "session", **_account_json(row)}

    return await service.run(job)


@router.delete("/sessions/current", status_code=status.HTTP_204_NO_CONTENT, summary="Log out")
async def log_out(token: Token, request: Request) -> None:
    """Revoke the token of this request for good (a replay is refused)."""
    service = service_of(request)

    def job(work: Work) -> None:
        with Session(bind=work.connection) as session:
            accounts.revoke(session, token, work.now)
        work.after_commit.append(lambda: service.forget_token(token))

    await service.run(job)


@router.post("/tokens", status_code=status.HTTP_201_CREATED, summary="New API token")
async def new_token(body: TokenBody, caller: Caller, request: Request) -> dict[str, Any]:
    """An API token for an agent acting for the caller's account; shown once."""
    service = service_of(request)

    def job(work: Work) -> dict[str, Any]:
        with Session(bind=work.connection) as session:
            row = session.get(Account, caller.account_id)
            if row is None:  # pragma: no cover - a live token has an account
                raise NotAuthenticated("the token's account no longer exists")
            return {
                "token": accounts.issue_token(session, row, work.now, body.kind),
                "kind": body.kind,
            }

    return await service.run(job)


@router.get("/me", summary="Who am I")
async def me(caller: Caller) -> dict[str, Any]:
    """The caller's account, roles and token kind."""
    return {
        "account_id": caller.account_id,
        "name": caller.name,
        "roles": sorted(caller.roles),
        "token_kind": caller.token_kind,
    }


@router.put("/accounts/{name}/roles", summary="Set an account's roles (admin)")
async def set_roles(name: str, body: RolesBody, caller: Caller, request: Request) -> dict[str, Any]:
    """Replace an account's roles; admins only. The change is on the transparency log."""
    service = service_of(request)
    caller.require("admin", "change an account's roles")
    roles = list(dict.fromkeys(body.roles))

    def job(work: Work) -> dict[str, Any]:
        with Session(bind=work.connection) as session:
            row = session.query(Account).filter(Account.name == name).one_or_none()
            if row is None:
                raise UnknownResource(f"there is no account {name!r}")
            row.roles = ",".join(roles)
            session.flush()
            data = _account_json(row)
            account_id = row.id
        data["log_index"] = service.log.append(
            work, {"type": "roles_changed", "account": name, "roles": roles, "by": caller.name}
        )
        work.after_commit.append(lambda: service.forget_account(account_id))
        return data

    return await service.run(job)
