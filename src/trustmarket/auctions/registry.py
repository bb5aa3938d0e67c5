"""Every auction mechanism by name, with its machine-readable properties.

Docs tables, the advisor and the CLI read this registry, so a mechanism is described once, in
its class's ``info``.
"""

from __future__ import annotations

from typing import Any

from trustmarket.auctions.combinatorial_auction import CombinatorialAuction
from trustmarket.auctions.double import DoubleAuction, MultiUnitDoubleAuction
from trustmarket.auctions.dutch import DutchAuction
from trustmarket.auctions.engine import AuctionEngine
from trustmarket.auctions.english import EnglishAuction
from trustmarket.auctions.multi_unit import MultiUnitAuction
from trustmarket.auctions.sealed import FirstPriceSealed, VickreyAuction
from trustmarket.core.errors import InvalidRules

MECHANISMS: dict[str, type[AuctionEngine[Any, Any]]] = {
    cls.info.name: cls
    for cls in (
        EnglishAuction,
        DutchAuction,
        FirstPriceSealed,
        VickreyAuction,
        MultiUnitAuction,
        DoubleAuction,
        MultiUnitDoubleAuction,
        CombinatorialAuction,
    )
}


def mechanism(name: str) -> type[AuctionEngine[Any, Any]]:
    """The engine class called ``name``; an unknown name lists the known ones."""
    try:
        return MECHANISMS[name]
    except (KeyError, TypeError):
        raise InvalidRules(
            f"unknown mechanism {name!r}; allowed: {', '.join(MECHANISMS)}"
        ) from None


def engine_from_json(data: Any) -> AuctionEngine[Any, Any]:
    """Rebuild any engine from :meth:`AuctionEngine.to_json` output."""
    if not isinstance(data, dict):
        raise InvalidRules(f"auction state must be a JSON object, got {type(data).__name__}")
    return mechanism(data.get("mechanism")).restore(data)  # type: ignore[arg-type]
