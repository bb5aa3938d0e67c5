"""The reward rule of the sharing exchange (Simmons; SPEC section 7):

    reward = base x severity weight x scope weight x tier multiplier x novelty x dynamic factor

with every weight configurable, novelty 1 for the first verified report of an indicator and 0
after, and the dynamic factor ``min(1 + rate x recent incidents in the category, cap)``. The
product is exact (fractions) and the reward is rounded half to even to integer minor units once,
at the end: no float decides a payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from trustmarket.core.errors import InvalidInput
from trustmarket.sharing.members import Tier

__all__ = ["SCOPES", "SEVERITIES", "RewardRules"]

#: Severity levels, lowest first (reviewers' medians are taken in this order).
SEVERITIES = ("low", "medium", "high", "critical")
#: Scope: a vulnerability specific to one product, or a root one shared by many.
SCOPES = ("specific", "root")


def _weight(value: Any, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | str | Fraction):
        raise InvalidInput(
            f"{what} must be an int, a Fraction or a decimal string such as '1.5', got {value!r}"
        )
    try:
        weight = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(f"{what} must be a number, got {value!r}") from None
    if weight < 0:
        raise InvalidInput(f"{what} must be >= 0, got {value!r}")
    return weight


def _table(values: Mapping[str, Any], keys: tuple[str, ...], what: str) -> dict[str, Fraction]:
    if set(values) != set(keys):
        raise InvalidInput(f"{what} needs exactly the keys {', '.join(keys)}; got {sorted(values)}")
    return {key: _weight(values[key], f"{what}[{key}]") for key in keys}


@dataclass(frozen=True)
class RewardRules:
    """Every parameter of the reward; amounts in integer minor units, weights exact."""

    base: int = 100_000
    severity: Mapping[str, Any] = field(
        default_factory=lambda: {"low": 1, "medium": 2, "high": 4, "critical": 8}
    )
    scope: Mapping[str, Any] = field(default_factory=lambda: {"specific": 1, "root": 3})
    tier: Mapping[str, Any] = field(
        default_factory=lambda: {
            Tier.CRITICAL_INFRASTRUCTURE.value: 3,
            Tier.CORE_BUSINESS.value: 2,
            Tier.SMALL_BUSINESS.value: 1,
        }
    )
    incident_rate: Any = "0.1"
    dynamic_cap: Any = 2
    window: int = 30 * 86_400

    def __post_init__(self) -> None:
        if isinstance(self.base, bool) or not isinstance(self.base, int) or self.base < 0:
            raise InvalidInput(
                f"base must be a whole number of minor units >= 0, got {self.base!r}"
            )
        object.__setattr__(self, "severity", _table(self.severity, SEVERITIES, "severity"))
        object.__setattr__(self, "scope", _table(self.scope, SCOPES, "scope"))
        tiers = tuple(t.value for t in Tier)
        object.__setattr__(self, "tier", _table(self.tier, tiers, "tier"))
        object.__setattr__(self, "incident_rate", _weight(self.incident_rate, "incident_rate"))
        cap = _weight(self.dynamic_cap, "dynamic_cap")
        if cap < 1:
            raise InvalidInput(f"dynamic_cap must be >= 1 (the factor starts at 1), got {cap}")
        object.__setattr__(self, "dynamic_cap", cap)
        if isinstance(self.window, bool) or not isinstance(self.window, int) or self.window <= 0:
            raise InvalidInput(f"window must be a positive number of seconds, got {self.window!r}")

    def dynamic_factor(self, recent_incidents: int) -> Fraction:
        """``min(1 + incident_rate x recent, dynamic_cap)``."""
        if isinstance(recent_incidents, bool) or not isinstance(recent_incidents, int):
            raise InvalidInput(f"recent incidents must be a count, got {recent_incidents!r}")
        factor = 1 + Fraction(self.incident_rate) * recent_incidents
        return min(factor, Fraction(self.dynamic_cap))

    def reward(
        self, severity: str, scope: str, tier: Tier | str, *, novel: bool, recent_incidents: int
    ) -> int:
        """The payout in minor units, rounded half to even once."""
        if severity not in SEVERITIES:
            raise InvalidInput(f"unknown severity {severity!r}; allowed: {', '.join(SEVERITIES)}")
        if scope not in SCOPES:
            raise InvalidInput(f"unknown scope {scope!r}; allowed: {', '.join(SCOPES)}")
        if not novel:
            return 0
        value = (
            self.base
            * Fraction(self.severity[severity])
            * Fraction(self.scope[scope])
            * Fraction(self.tier[Tier.parse(tier).value])
            * self.dynamic_factor(recent_incidents)
        )
        return round(value)
