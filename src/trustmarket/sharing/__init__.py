"""The threat-indicator sharing exchange (Simmons; SPEC section 7): members in tiers submit STIX
2.1 indicators, a random panel verifies them, the rules pay at once, everything goes on the
transparency log, and the reward parameters become the sharing game of the analysis tools."""

from trustmarket.sharing.exchange import Review, SharingExchange, Submission
from trustmarket.sharing.game import SharingAnalysis, sharing_game
from trustmarket.sharing.members import Member, Tier
from trustmarket.sharing.rewards import SCOPES, SEVERITIES, RewardRules

__all__ = [
    "SCOPES",
    "SEVERITIES",
    "Member",
    "Review",
    "RewardRules",
    "SharingAnalysis",
    "SharingExchange",
    "Submission",
    "Tier",
    "sharing_game",
]
