"""The threat-indicator sharing exchange for people (Simmons, "Mechanism Design for Cooperation
in Cybersecurity"; SPEC sections 7 and 9, issue 10).

``/sharing`` renders, for a logged-in visitor, what ``/api/sharing`` gives that account: the
membership (tier, balance, reputation), the submissions it made with their verdicts and payouts,
the submissions waiting for its review with a review form each (valid, severity, scope), and the
shared pool it may see; forms to join with a tier, to submit a STIX 2.1 Indicator (its main
properties: name, description, pattern, pattern_type, indicator_types, valid_from, valid_until)
and, for an admin, to record an incident. ``static/sharing.js`` sends the forms to the JSON API.

The panel of a submission is drawn from the other members who hold the ``panel_member`` role
(:mod:`trustmarket.service.sharing`); the page lists the reviews the API's ``to_review`` names
for the visitor, each through :meth:`trustmarket.service.sharing.Sharing.submission`, which
lets a drawn reviewer see it. The live part of the page (``?fragment=live``) is fetched again after
the visitor's own actions and whenever ``GET /api/sharing/stream`` reports a change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from trustmarket.core.errors import UnknownResource
from trustmarket.service.deps import service_of
from trustmarket.service.principal import Principal
from trustmarket.service.schema import SharingEvent
from trustmarket.service.web.render import login_redirect, render, visitor_of
from trustmarket.service.writer import Work
from trustmarket.sharing.members import Tier
from trustmarket.sharing.rewards import SCOPES, SEVERITIES

__all__ = [
    "INDICATOR_TYPES",
    "PATTERN_TYPES",
    "minor_units",
    "router",
    "weight_text",
]

router = APIRouter(include_in_schema=False)


#: STIX 2.1 section 10.13, the indicator-type-ov vocabulary (the first is the reward's category).
INDICATOR_TYPES = (
    "malicious-activity",
    "anomalous-activity",
    "compromised",
    "anonymization",
    "attribution",
    "benign",
    "unknown",
)

#: STIX 2.1 section 10.14, the pattern-type-ov vocabulary.
PATTERN_TYPES = ("stix", "pcre", "sigma", "snort", "suricata", "yara")

#: The tiers of the paper, with the words a person reads.
TIERS = {
    Tier.CRITICAL_INFRASTRUCTURE.value: "Critical infrastructure",
    Tier.CORE_BUSINESS.value: "Core business",
    Tier.SMALL_BUSINESS.value: "Small business",
}

SCOPE_LABELS = {
    "specific": "Specific (one product or system)",
    "root": "Root (a vulnerability shared by many)",
}


def minor_units(value: object) -> str:
    """An amount of the exchange (integer minor units) as a decimal with two places, the way
    docs/sharing.md writes the base reward (100,000 minor units = 1000.00)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "-"
    sign = "-" if value < 0 else ""
    whole, cents = divmod(abs(value), 100)
    return f"{sign}{whole}.{cents:02d}"


def weight_text(value: object) -> str:
    """A reward weight (an exact Fraction) as a short decimal when it has one, else ``n/d``."""
    fraction = Fraction(str(value)) if not isinstance(value, Fraction) else value
    if fraction.denominator == 1:
        return str(fraction.numerator)
    with localcontext() as context:
        context.prec = 30
        decimal = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    if Fraction(decimal) == fraction:
        return format(decimal.normalize(), "f")
    return f"{fraction.numerator}/{fraction.denominator}"


def _when(seconds: object) -> str:
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        return "-"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _rules(work: Work, service: Any) -> dict[str, Any] | None:
    """The reward rules and panel size of the service's exchange, for the page to state.
    The service builds its exchange on first use; the page reads it after a request did."""
    exchange = service.sharing.exchange
    if exchange is None:
        return None
    rules = exchange.rules
    return {
        "base": minor_units(rules.base),
        "severity": [(s, weight_text(rules.severity[s])) for s in SEVERITIES],
        "scope": [(s, weight_text(rules.scope[s])) for s in SCOPES],
        "tier": [(TIERS[t], weight_text(rules.tier[t])) for t in TIERS],
        "incident_rate": weight_text(rules.incident_rate),
        "dynamic_cap": weight_text(rules.dynamic_cap),
        "window_days": rules.window // 86_400,
        "panel_size": exchange.panel_size,
        "embargo_days": exchange.embargo // 86_400,
    }


async def _context(request: Request, who: Principal) -> dict[str, Any]:
    """Everything the page shows ``who``, read in one writer job (one consistent state)."""
    service = service_of(request)

    def job(work: Work) -> dict[str, Any]:
        try:
            me = service.sharing.me(work, who)
        except UnknownResource:
            me = None
        members = work.connection.scalar(
            select(func.count()).select_from(SharingEvent).where(SharingEvent.kind == "join")
        )
        found: dict[str, Any] = {
            "me": me,
            "members": int(members or 0),
            "rules": _rules(work, service),
            "submitted": [],
            "to_review": [],
            "pool": [],
        }
        if me is None:
            return found
        # The API's own views: what GET /api/sharing/submissions/{id} and /pool answer.
        found["submitted"] = [
            service.sharing.submission(work, who, s) for s in reversed(me["submitted"])
        ]
        found["to_review"] = [service.sharing.submission(work, who, s) for s in me["to_review"]]
        found["pool"] = list(reversed(service.sharing.pool(work, who)))
        return found

    return await service.run(job)


@router.get("/sharing")
async def sharing_page(request: Request) -> Response:
    """The exchange as the visitor's account takes part in it; ``?fragment=live`` is the part
    that changes when others act (membership, reviews, submissions, pool)."""
    visitor = visitor_of(request)
    fragment = request.query_params.get("fragment") == "live"
    if visitor.principal is None:
        if fragment:
            # A script asks for the fragment: a login page in its place would make no sense.
            return render(
                request,
                "_problem.html",
                visitor,
                status_code=401,
                message="your session has ended; log in again to see the exchange",
            )
        return login_redirect(request)
    who = visitor.principal
    context = await _context(request, who)
    context.update(
        amount=minor_units,
        when=_when,
        tiers=TIERS,
        severities=SEVERITIES,
        scopes=SCOPE_LABELS,
        indicator_types=INDICATOR_TYPES,
        pattern_types=PATTERN_TYPES,
        is_admin=who.has("admin"),
        # the form's default "valid from": now, by the service's clock
        now=datetime.fromtimestamp(int(service_of(request).clock()), UTC).strftime(
            "%Y-%m-%dT%H:%M:%S"
        ),
    )
    if fragment:
        return render(request, "_sharing_live.html", visitor, **context)
    return render(request, "sharing.html", visitor, **context)
