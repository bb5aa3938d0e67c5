"""Who is calling: an authenticated account with its roles (SPEC section 9)."""

from __future__ import annotations

from dataclasses import dataclass

from trustmarket.core.errors import NotPermitted

__all__ = ["Principal"]


@dataclass(frozen=True)
class Principal:
    """An account acting through a token. An admin may do what every role may."""

    account_id: str
    name: str
    roles: frozenset[str]
    token_kind: str = "session"

    def has(self, role: str) -> bool:
        """True if the account holds ``role`` (or is an admin)."""
        return role in self.roles or "admin" in self.roles

    def require(self, role: str, what: str) -> None:
        """Refuse with :class:`NotPermitted` unless the account holds ``role``."""
        if not self.has(role):
            raise NotPermitted(
                f"to {what} an account needs the {role!r} role; "
                f"{self.name!r} has: {', '.join(sorted(self.roles))}"
            )
