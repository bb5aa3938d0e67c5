"""Members of the sharing exchange and their tiers (Simmons; SPEC section 7)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from trustmarket.core.errors import InvalidInput
from trustmarket.core.ids import check_id

__all__ = ["Member", "Tier"]


class Tier(StrEnum):
    """The paper's three kinds of company: rewards are highest for critical infrastructure."""

    CRITICAL_INFRASTRUCTURE = "critical-infrastructure"
    CORE_BUSINESS = "core-business"
    SMALL_BUSINESS = "small-business"

    @classmethod
    def parse(cls, value: object) -> Tier:
        if isinstance(value, Tier):
            return value
        for tier in cls:
            if value == tier.value:
                return tier
        allowed = ", ".join(t.value for t in cls)
        raise InvalidInput(f"unknown tier {value!r}; allowed: {allowed}")


@dataclass(frozen=True)
class Member:
    """A company of the exchange."""

    id: str
    tier: Tier

    def __post_init__(self) -> None:
        check_id(self.id, "member id")
        object.__setattr__(self, "tier", Tier.parse(self.tier))
