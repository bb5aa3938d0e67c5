"""The first admin of a new deployment.

No one may sign up as admin (``POST /api/accounts`` grants only participant and auction_owner),
so an admin is made when the service starts: ``trustmarket serve --admin NAME`` with the
password in ``TRUSTMARKET_ADMIN_PASSWORD`` (never on the command line, where other users of
the machine could read it). It runs inside the service's own process, on its writer, so the
account and its transparency-log entry are made like any other.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustmarket.service import accounts
from trustmarket.service.schema import Account
from trustmarket.service.state import Service
from trustmarket.service.writer import Work

__all__ = ["ADMIN_PASSWORD_VARIABLE", "ensure_admin", "prepare_admin"]

#: The environment variable that holds the first admin's password.
ADMIN_PASSWORD_VARIABLE = "TRUSTMARKET_ADMIN_PASSWORD"


def prepare_admin(name: str, password: str) -> accounts.NewAccount:
    """The admin account to make (name and password checked as at sign-up, password hashed);
    a bad name or password is refused here, before the service starts."""
    return accounts.prepare_account(name, password, ("participant", "admin"))


def ensure_admin(service: Service, prepared: accounts.NewAccount) -> bool:
    """Store the ``prepared`` admin unless an account of that name exists (then nothing
    changes, whatever its roles: an existing account is never taken over). True when made."""
    name = prepared.name

    def job(work: Work) -> bool:
        exists = work.connection.scalar(select(Account.id).where(Account.name == name))
        if exists is not None:
            return False
        with Session(bind=work.connection) as session:
            accounts.add_account(session, prepared, work.now)
        service.log.append(
            work,
            {
                "type": "account_registered",
                "account": name,
                "roles": list(prepared.roles),
                "by": "trustmarket serve --admin",
            },
        )
        return True

    return service.writer.call(job)
