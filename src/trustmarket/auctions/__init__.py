"""The auction house: single-item, multi-unit and double auctions, the rules, views and the
advisor (SPEC 3.1-3.3). Every engine is a pure, event-sourced state machine."""

from trustmarket.auctions.advisor import Advice, Choice, Refusal, Setting, advise, check_choice
from trustmarket.auctions.double import DoubleAuction, DoubleConfig, MultiUnitDoubleAuction
from trustmarket.auctions.dutch import DutchAuction, DutchConfig
from trustmarket.auctions.engine import (
    AuctionConfig,
    AuctionEngine,
    MechanismInfo,
    SoftClose,
)
from trustmarket.auctions.english import EnglishAuction, EnglishConfig
from trustmarket.auctions.multi_unit import MultiUnitAuction, MultiUnitConfig, MultiUnitPricing
from trustmarket.auctions.registry import MECHANISMS, engine_from_json, mechanism
from trustmarket.auctions.rules import (
    ClearWhen,
    CloseWhen,
    RetractAfter,
    RetractBefore,
    RevealAfter,
    RevealDuring,
    Rules,
    TieBreaking,
)
from trustmarket.auctions.sealed import FirstPriceSealed, SealedConfig, VickreyAuction
from trustmarket.auctions.visibility import view

__all__ = [
    "MECHANISMS",
    "Advice",
    "AuctionConfig",
    "AuctionEngine",
    "Choice",
    "ClearWhen",
    "CloseWhen",
    "DoubleAuction",
    "DoubleConfig",
    "DutchAuction",
    "DutchConfig",
    "EnglishAuction",
    "EnglishConfig",
    "FirstPriceSealed",
    "MechanismInfo",
    "MultiUnitAuction",
    "MultiUnitConfig",
    "MultiUnitDoubleAuction",
    "MultiUnitPricing",
    "Refusal",
    "RetractAfter",
    "RetractBefore",
    "RevealAfter",
    "RevealDuring",
    "Rules",
    "SealedConfig",
    "Setting",
    "SoftClose",
    "TieBreaking",
    "VickreyAuction",
    "advise",
    "check_choice",
    "engine_from_json",
    "mechanism",
    "view",
]
