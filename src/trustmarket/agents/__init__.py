"""Bidding-agent templates (SPEC section 1, the engines' layer): pure decisions that act for an
account on what that account may see of an auction.

A template never sees more than its owner would (it is given the owner's view of the auction,
:func:`trustmarket.auctions.visibility.view`) and never runs user code: it is one of the
functions here with checked parameters. The service runs them server-side
(:mod:`trustmarket.service.agents`); the simulator and tests can run them directly.
"""

from __future__ import annotations

from trustmarket.agents.templates import (
    TEMPLATES,
    Action,
    Template,
    discover_matches,
    dutch_threshold,
    incrementor,
    information_wanted,
    n_agent,
    n_agent_bid,
)

__all__ = [
    "TEMPLATES",
    "Action",
    "Template",
    "discover_matches",
    "dutch_threshold",
    "incrementor",
    "information_wanted",
    "n_agent",
    "n_agent_bid",
]
