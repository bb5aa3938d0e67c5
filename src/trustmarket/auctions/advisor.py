"""The auction-type advisor (SPEC 3.1; eMediator section 2.3, figure 3).

:func:`advise` takes a market setting - single-sided or double, and the goods: one unit of one
item, many units of one item, many items with one unit each, or many items with many units each
- and returns the valid bid types and pricing rules, each with a one-line reason, the engines
that run it, and the combinations it refuses with the reason. :func:`check_choice` refuses an
invalid (bid type, pricing) choice, e.g. Clarke-Groves prices with OR bids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trustmarket.auctions.registry import MECHANISMS
from trustmarket.core.errors import InvalidInput, InvalidRules

SIDES = ("single", "double")
GOODS = ("unit", "units", "items", "items-units")


@dataclass(frozen=True)
class Choice:
    """A bid type or pricing rule with the reason it fits."""

    name: str
    reason: str
    incentive_compatible: bool | None = None


@dataclass(frozen=True)
class Refusal:
    """A (bid type, pricing) pair that is not allowed, and why."""

    bid_type: str
    pricing: str | None
    reason: str


@dataclass(frozen=True)
class Setting:
    """A market setting: ``sides`` in single/double, ``goods`` in unit/units/items/items-units,
    and whether units are divisible."""

    sides: str
    goods: str
    divisible: bool = False

    def __post_init__(self) -> None:
        if self.sides not in SIDES:
            raise InvalidInput(f"sides must be one of {', '.join(SIDES)}; got {self.sides!r}")
        if self.goods not in GOODS:
            raise InvalidInput(f"goods must be one of {', '.join(GOODS)}; got {self.goods!r}")
        if not isinstance(self.divisible, bool):
            raise InvalidInput(f"divisible must be true or false, got {self.divisible!r}")
        if self.divisible and self.goods == "unit":
            raise InvalidInput(
                "a single unit of one item cannot be divisible here; describe divisible goods as "
                "'units' (many units of one item)"
            )


@dataclass(frozen=True)
class Advice:
    setting: Setting
    bid_types: tuple[Choice, ...]
    pricing: tuple[Choice, ...]
    mechanisms: tuple[str, ...]
    refused: tuple[Refusal, ...] = ()
    notes: tuple[str, ...] = field(default=())


_OR_NOT_EXPRESSIVE = (
    "OR bids are not fully expressive (they cannot say that a bundle is worth less than its "
    "parts), and Clarke-Groves prices need fully expressive bids: use XOR or OR-of-XORs"
)

_TABLE: dict[tuple[str, str], Advice] = {}


def _entry(
    sides: str,
    goods: str,
    bid_types: list[Choice],
    pricing: list[Choice],
    mechanisms: list[str],
    refused: list[Refusal] | None = None,
    notes: list[str] | None = None,
) -> None:
    _TABLE[(sides, goods)] = Advice(
        Setting(sides, goods),
        tuple(bid_types),
        tuple(pricing),
        tuple(m for m in mechanisms if m in MECHANISMS),
        tuple(refused or ()),
        tuple(notes or ()),
    )


_entry(
    "single",
    "unit",
    [
        Choice(
            "price",
            "one price per bidder: open ascending (English), descending clock (Dutch) or sealed",
        ),
    ],
    [
        Choice(
            "first_price", "the winner pays her bid; bidders shade their bids below value", False
        ),
        Choice(
            "second_price",
            "the winner pays the second-highest bid (Vickrey); truthful "
            "bidding is a dominant strategy",
            True,
        ),
    ],
    ["english", "dutch", "first_price_sealed", "vickrey"],
)
_entry(
    "single",
    "units",
    [
        Choice("xor", "alternatives of (quantity, price), at most one accepted: fully expressive"),
        Choice("or_of_xors", "several XOR groups joined by OR: fully expressive and often shorter"),
        Choice("curve", "a price-quantity curve states the price for every quantity"),
    ],
    [
        Choice("pay_as_bid", "each winner pays her accepted bid", False),
        Choice(
            "clarke_groves",
            "multi-unit Vickrey: each winner pays the harm she does to the "
            "others; truthful bidding is dominant",
            True,
        ),
        Choice(
            "uniform",
            "all units at the highest losing unit price; NOT incentive compatible "
            "(demand reduction, Ausubel and Cramton 1996)",
            False,
        ),
    ],
    ["multi_unit"],
    [
        Refusal(
            "or",
            None,
            "OR of (quantity, price) bids is not fully expressive: it cannot say "
            "that 5 units are worth less than 2 units plus 3 units",
        )
    ],
)
_entry(
    "single",
    "items",
    [
        Choice("or", "any subset of a bidder's bundle bids may win"),
        Choice("xor", "at most one of a bidder's bundle bids wins: fully expressive"),
        Choice("or_of_xors", "XOR groups joined by OR: fully expressive and compact"),
    ],
    [
        Choice("first_price", "each winner pays her accepted bids", False),
        Choice(
            "clarke_groves",
            "generalised Vickrey (VCG): truthful bidding is dominant; needs XOR or OR-of-XORs bids",
            True,
        ),
    ],
    ["combinatorial"],
    [Refusal("or", "clarke_groves", _OR_NOT_EXPRESSIVE)],
    ["winner determination and Clarke-Groves prices: trustmarket.combinatorial"],
)
_entry(
    "single",
    "items-units",
    [
        Choice("xor", "bundles with unit counts, at most one accepted"),
        Choice("or_of_xors", "XOR groups of bundles with unit counts joined by OR"),
    ],
    [
        Choice("first_price", "each winner pays her accepted bids", False),
        Choice("clarke_groves", "generalised Vickrey (VCG): truthful bidding is dominant", True),
    ],
    ["combinatorial"],
    [Refusal("or", None, "OR bids with unit counts are not fully expressive")],
    ["winner determination and Clarke-Groves prices: trustmarket.combinatorial"],
)
_entry(
    "double",
    "unit",
    [Choice("bid_ask", "buyers state a price bid, sellers a price ask")],
    [
        Choice(
            "middle_price",
            "each matched pair trades halfway between bid and ask: the gains split 50:50",
            False,
        )
    ],
    ["double"],
)
_entry(
    "double",
    "units",
    [
        Choice(
            "curve",
            "demand and supply as bid and ask lists of (quantity, unit price), i.e. "
            "step price-quantity curves",
        )
    ],
    [
        Choice(
            "max_volume",
            "clear where supply meets demand, trading the largest quantity, at "
            "one price between the marginal bid and ask",
            False,
        )
    ],
    ["multi_unit_double"],
)
for _goods in ("items", "items-units"):
    _entry(
        "double",
        _goods,
        [
            Choice(
                "or_of_xors", "one bid may buy some items and sell others (combinatorial exchange)"
            )
        ],
        [
            Choice(
                "max_surplus",
                "maximise accepted bids minus accepted asks; split the surplus "
                "so no buyer pays above her bid and no seller receives below her ask",
                False,
            )
        ],
        [],
        [
            Refusal(
                "or", None, "an exchange needs OR-of-XORs bids to express buy-and-sell packages"
            ),
            Refusal(
                "xor",
                None,
                "plain XOR cannot join independent buy and sell packages; use OR-of-XORs",
            ),
        ],
        ["combinatorial exchanges live in trustmarket.combinatorial"],
    )


def advise(setting: Setting) -> Advice:
    """Valid bid types and pricing rules for ``setting``, with reasons (SPEC 3.1 table)."""
    if not isinstance(setting, Setting):
        raise InvalidInput(f"advise needs a Setting, got {type(setting).__name__}")
    base = _TABLE[(setting.sides, setting.goods)]
    notes = list(base.notes)
    if setting.divisible:
        notes.append(
            "divisible units: price-quantity curves and partial fills (exact_match=false) fit"
        )
    elif setting.goods in ("units", "items-units"):
        notes.append("indivisible units: exact_match=true fills each bid entirely or not at all")
    return Advice(
        setting, base.bid_types, base.pricing, base.mechanisms, base.refused, tuple(notes)
    )


def check_choice(setting: Setting, bid_type: str, pricing: str) -> Advice:
    """Refuse an invalid (bid type, pricing) choice for ``setting`` with the reason."""
    advice = advise(setting)
    for refusal in advice.refused:
        if refusal.bid_type == bid_type and refusal.pricing in (None, pricing):
            raise InvalidRules(
                f"{bid_type} bids with {pricing} pricing are refused: {refusal.reason}"
            )
    bid_names = [c.name for c in advice.bid_types]
    pricing_names = [c.name for c in advice.pricing]
    if bid_type not in bid_names:
        raise InvalidRules(
            f"bid type {bid_type!r} does not fit a {setting.sides} auction of {setting.goods}; "
            f"allowed: {', '.join(bid_names)}"
        )
    if pricing not in pricing_names:
        raise InvalidRules(
            f"pricing {pricing!r} does not fit a {setting.sides} auction of {setting.goods}; "
            f"allowed: {', '.join(pricing_names)}"
        )
    return advice
