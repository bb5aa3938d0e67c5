"""Price-quantity curves: bidding and clearing for many units of one item (SPEC 3.3).

eMediator (seed 002, section 2.2 "Bidding via Price-Quantity Graphs") lets a bidder draw how
many units she wants at each unit price (a demand curve) and a seller how many he offers (a
supply curve). The curves are piecewise linear "both for the bidders' drawing convenience and for
the convenience of winner determination", continuous ("if the curves were noncontinuous, it would
be possible that no match exists") and not necessarily monotone (the paper's figure 2 is not).

**Curves.** A curve is the function ``quantity = f(unit price)`` given by its breakpoints
``(price, quantity)``:

- prices are ``int`` minor units (cents), ``>= 0`` and strictly increasing along the curve;
- quantities are ``int`` or :class:`fractions.Fraction` units, ``>= 0`` (units are divisible;
  floats, bools and NaN are refused: no float ever decides an allocation or a payment);
- two breakpoints at the same price with different quantities would be a vertical jump, i.e. a
  discontinuous curve: refused, saying at which price (spread the step over two prices). The
  same breakpoint given twice is harmless and kept once;
- between breakpoints the curve is linear; left of the first breakpoint it stays at the first
  quantity, right of the last at the last quantity;
- a **demand** curve must end at quantity 0 (else the bidder would demand units at every price,
  however high, and revenue would be unbounded); a **supply** curve must start at quantity 0
  (else the seller would offer units at every price down to 0).

**Aggregation** (:func:`aggregate`). A sum of piecewise-linear functions is piecewise linear with
breakpoints among the union of the summands' breakpoints, so the aggregate is computed at those
prices only: the paper's "it does not loop through prices but uses the endpoints of each linear
piece".

**Single-sided clearing** (:func:`clear_single`). One seller offers ``supply`` units; buyers bid
demand curves. The unit price ``p`` is a whole number of minor units and maximises the revenue
``p * D(p)`` subject to ``D(p) <= supply`` (D the aggregate demand). On each linear piece of D
the revenue is a quadratic in ``p`` and the feasible prices form an interval, so the optimum over
the integers lies at an end of the feasible interval rounded inwards, or at the floor or ceiling
of the quadratic's vertex when that is inside: a handful of candidates per piece and no loop over
prices. Ties go to the larger traded quantity, then to the lower price. Each bidder gets her own
curve's quantity ``D_i(p)`` and owes ``p * D_i(p)`` exactly (a Fraction of minor units when units
are divisible); the money moved is that rounded down to whole minor units, so no bidder ever pays
above her curve.

**Double-sided clearing** (:func:`clear_double`). Demand and supply are aggregated separately
into D and S. With ``objective="efficiency"`` (the default, and SPEC's "maximising traded
quantity") the market clears at a price where ``D(p) = S(p)``: crossings are solved exactly per
piece of the merged breakpoints (where D and S coincide over an interval, both ends count), and
the crossing with the largest quantity wins (ties: the lower price). The price is an exact
Fraction of minor units; buyers' payments are rounded down and sellers' receipts up to whole minor
units, so rounding always favours the traders and the market maker's rounded imbalance is a small
deficit (reported; exactly it is 0).

With ``objective="profit"`` the market maker maximises her profit by *non-discriminatory*
clearing (Sandholm and Suri, cited in section 2.2: polynomial for piecewise-linear curves): all
buyers clear at one price ``p_b``, all sellers at one price ``p_s``, with
``D(p_b) = S(p_s) = q``, maximising ``q * (p_b - p_s)``. For a traded quantity ``q`` the best
``p_b`` is the largest price where demand equals ``q`` and the best ``p_s`` the smallest price
where supply equals ``q``. Inverting each linear piece of D and S gives price as a linear
function of ``q`` over the piece's quantity range (a flat piece fixes ``q`` and its price moves to
the piece's best end: the right end for demand, the left end for supply). So for each pair of a
demand piece and a supply piece the profit is a quadratic in ``q`` over their common quantity
range, maximised at a range end or at the vertex: O(pieces of D x pieces of S) candidates. Ties go
to the larger quantity. If no positive profit is possible (which happens exactly when D and S
meet at no positive quantity) nothing trades.

For monotone curves (demand non-increasing, supply non-decreasing) profit clearing never trades
more than efficiency clearing, and earns at least as much (efficiency clearing, at one price,
earns exactly 0). With nonmonotone curves a high-price stretch of demand may meet a low-price
stretch of supply, and profit clearing can then trade more than any crossing does.

Errors: malformed curves, quantities and supplies raise :class:`InvalidCurve`, an unknown
objective :class:`~trustmarket.core.errors.InvalidRules`, a bad party name
:class:`~trustmarket.core.errors.InvalidId`, an unknown currency
:class:`~trustmarket.core.errors.CurrencyError`; all are :class:`InvalidInput`.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from trustmarket.core.errors import InvalidInput, InvalidRules
from trustmarket.core.ids import check_id
from trustmarket.core.money import check_currency

__all__ = [
    "OBJECTIVES",
    "CurveAllocation",
    "CurveClearing",
    "DemandCurve",
    "DoubleCurveClearing",
    "InvalidCurve",
    "SupplyCurve",
    "aggregate",
    "clear_double",
    "clear_single",
]

#: The objectives :func:`clear_double` knows.
OBJECTIVES: tuple[str, ...] = ("efficiency", "profit")

Side = Literal["buyer", "seller"]


class InvalidCurve(InvalidInput):
    """A price-quantity curve, a quantity or a supply is malformed (eMediator 2.2, SPEC 3.3)."""

    code = "invalid_curve"


# -- validation ------------------------------------------------------------------------------


def _check_quantity(value: object, what: str) -> Fraction:
    """Return ``value`` as a Fraction if it is a non-negative int or Fraction."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        if isinstance(value, float):
            raise InvalidCurve(
                f"{what} is the float {value!r}; quantities must be exact: an int or a "
                "fractions.Fraction (e.g. Fraction(5, 2) for 2.5 units), never a float"
            )
        raise InvalidCurve(
            f"{what} must be an int or a fractions.Fraction, got {type(value).__name__} {value!r}"
        )
    if value < 0:
        raise InvalidCurve(f"{what} is {value}; quantities must be 0 or more")
    return Fraction(value)


def _check_price(value: object, what: str) -> int:
    """Return ``value`` if it is a non-negative int number of minor units."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            raise InvalidCurve(
                f"{what} is the float {value!r}; prices are whole minor units (an int such as "
                "1250 for 12.50), never a float"
            )
        raise InvalidCurve(
            f"{what} must be an int number of minor units, got {type(value).__name__} {value!r}"
        )
    if value < 0:
        raise InvalidCurve(f"{what} is {value}; unit prices must be 0 or more minor units")
    return value


def _check_eval_price(value: object) -> Fraction:
    """A price to evaluate a curve at: a non-negative int or Fraction of minor units."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise InvalidCurve(
            "a curve is evaluated at an int or fractions.Fraction number of minor units, got "
            f"{type(value).__name__} {value!r}"
        )
    if value < 0:
        raise InvalidCurve(f"price {value} is negative; unit prices are 0 or more minor units")
    return Fraction(value)


def _normalise(points: object, kind: str, party: str) -> tuple[tuple[int, Fraction], ...]:
    """Validate breakpoints and return them as ``((price, Fraction quantity), ...)``."""
    label = f"{kind} curve of {party!r}"
    if isinstance(points, str | bytes) or not isinstance(points, Iterable):
        raise InvalidCurve(
            f"the {label} must be a sequence of (price, quantity) pairs, got "
            f"{type(points).__name__}"
        )
    out: list[tuple[int, Fraction]] = []
    for k, pair in enumerate(points, start=1):
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise InvalidCurve(
                f"point {k} of the {label} is {pair!r}; each point is a (price, quantity) pair"
            )
        price = _check_price(pair[0], f"the price of point {k} of the {label}")
        qty = _check_quantity(pair[1], f"the quantity of point {k} of the {label}")
        if out:
            last_price, last_qty = out[-1]
            if price < last_price:
                raise InvalidCurve(
                    f"the {label} is not sorted: point {k} has price {price} after price "
                    f"{last_price}; list the points in order of strictly increasing price"
                )
            if price == last_price:
                if qty == last_qty:
                    continue  # the same breakpoint twice: the curve is unchanged
                raise InvalidCurve(
                    f"the {label} is not continuous: at price {price} the quantity jumps from "
                    f"{_fmt(last_qty)} to {_fmt(qty)}; curves must be continuous (eMediator "
                    f"2.2), so spread the step over two prices, e.g. ({price}, {_fmt(last_qty)})"
                    f" and ({price + 1}, {_fmt(qty)})"
                )
        out.append((price, qty))
    if not out:
        raise InvalidCurve(f"the {label} is empty; give at least one (price, quantity) point")
    if kind == "demand" and out[-1][1] != 0:
        price, qty = out[-1]
        raise InvalidCurve(
            f"the {label} ends at quantity {_fmt(qty)} (price {price}); a demand curve must end "
            f"at quantity 0, else it demands {_fmt(qty)} units at every higher price: add a last "
            f"point such as ({price + 1}, 0)"
        )
    if kind == "supply" and out[0][1] != 0:
        price, qty = out[0]
        hint = (
            f"add a first point such as ({price - 1}, 0)"
            if price > 0
            else f"start at (0, 0) and reach {_fmt(qty)} at a higher price"
        )
        raise InvalidCurve(
            f"the {label} starts at quantity {_fmt(qty)} (price {price}); a supply curve must "
            f"start at quantity 0, else it offers {_fmt(qty)} units at any price, however low: "
            f"{hint}"
        )
    return tuple(out)


def _check_supply(value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise InvalidCurve(
            f"supply must be a positive int or fractions.Fraction number of units, got "
            f"{type(value).__name__} {value!r}"
        )
    if value <= 0:
        raise InvalidCurve(
            f"supply is {value}; the seller must offer a positive number of units (an int or a "
            "fractions.Fraction)"
        )
    return Fraction(value)


def _check_objective(objective: object) -> str:
    if not isinstance(objective, str) or objective not in OBJECTIVES:
        raise InvalidRules(
            f"unknown clearing objective {objective!r}; allowed: "
            + ", ".join(repr(o) for o in OBJECTIVES)
        )
    return objective


def _fmt(x: Fraction | int) -> str:
    """``5`` or ``5/2``: a Fraction written the way it reads best in a message."""
    return str(x)


# -- curves ----------------------------------------------------------------------------------


def _price_of(point: tuple[int, Fraction]) -> Fraction | int:
    return point[0]


def _value(points: Sequence[tuple[int, Fraction]], price: Fraction) -> Fraction:
    """The piecewise-linear function through ``points`` at ``price`` (0 if there are none)."""
    if not points:
        return Fraction(0)
    target: Fraction | int = price
    k = bisect_right(points, target, key=_price_of)
    if k == 0:
        return points[0][1]
    if k == len(points):
        return points[-1][1]
    (a, ya), (b, yb) = points[k - 1], points[k]
    return ya + (yb - ya) * (price - a) / (b - a)


class _CurveBase:
    points: tuple[tuple[int, Fraction], ...]

    def quantity_at(self, price: Fraction | int) -> Fraction:
        """The curve's quantity at unit ``price`` (minor units), exactly."""
        return _value(self.points, _check_eval_price(price))


@dataclass(frozen=True, init=False)
class DemandCurve(_CurveBase):
    """A buyer's demand curve: how many units ``bidder`` wants at each unit price.

    ``points`` are ``(price, quantity)`` breakpoints, prices in int minor units strictly
    increasing, quantities int or Fraction >= 0, the last quantity 0 (module docstring; seed
    eMediator 2.2, SPEC 3.3). Stored normalised: quantities as Fractions, repeats dropped.
    """

    bidder: str
    points: tuple[tuple[int, Fraction], ...]

    def __init__(self, bidder: str, points: Iterable[tuple[int, int | Fraction]]) -> None:
        object.__setattr__(self, "bidder", check_id(bidder, "bidder"))
        object.__setattr__(self, "points", _normalise(points, "demand", bidder))

    @property
    def party(self) -> str:
        return self.bidder


@dataclass(frozen=True, init=False)
class SupplyCurve(_CurveBase):
    """A seller's supply curve: how many units ``seller`` offers at each unit price.

    As :class:`DemandCurve`, but the *first* quantity must be 0.
    """

    seller: str
    points: tuple[tuple[int, Fraction], ...]

    def __init__(self, seller: str, points: Iterable[tuple[int, int | Fraction]]) -> None:
        object.__setattr__(self, "seller", check_id(seller, "seller"))
        object.__setattr__(self, "points", _normalise(points, "supply", seller))

    @property
    def party(self) -> str:
        return self.seller


Curve = DemandCurve | SupplyCurve


def _check_curves(curves: object, cls: type[Curve], what: str) -> list[Curve]:
    if isinstance(curves, DemandCurve | SupplyCurve) or not isinstance(curves, Iterable):
        raise InvalidCurve(f"{what} must be a list of {cls.__name__} objects")
    out: list[Curve] = []
    seen: set[str] = set()
    for c in curves:
        if not isinstance(c, cls):
            raise InvalidCurve(
                f"{what} must hold {cls.__name__} objects only, got {type(c).__name__}"
            )
        if c.party in seen:
            raise InvalidCurve(
                f"{c.party!r} has two curves among the {what}; each party bids one curve "
                "(add the quantities into a single curve)"
            )
        seen.add(c.party)
        out.append(c)
    return out


def _aggregate(curves: Sequence[Curve]) -> list[tuple[int, Fraction]]:
    prices = sorted({p for c in curves for p, _ in c.points})
    return [(p, sum((_value(c.points, Fraction(p)) for c in curves), Fraction(0))) for p in prices]


def aggregate(curves: Iterable[DemandCurve] | Iterable[SupplyCurve]) -> list[tuple[int, Fraction]]:
    """The sum of the curves as breakpoints ``[(price, quantity), ...]`` (eMediator 2.2).

    The breakpoints are the union of the curves' breakpoints; between and beyond them the sum
    is linear (constant beyond), exactly like each curve. All curves must be of one kind
    (demand or supply); no curves give ``[]``, the zero function.
    """
    if isinstance(curves, DemandCurve | SupplyCurve) or not isinstance(curves, Iterable):
        raise InvalidCurve("aggregate takes a list of DemandCurve or of SupplyCurve objects")
    items = list(curves)
    if not items:
        return []
    cls: type[Curve] = DemandCurve if isinstance(items[0], DemandCurve) else SupplyCurve
    checked = _check_curves(items, cls, f"curves to aggregate (all {cls.__name__})")
    return _aggregate(checked)


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveAllocation:
    """One party's share of a clearing.

    ``quantity`` is her own curve's quantity at ``price``, her unit price (minor units).
    ``payment`` is ``price * quantity`` exactly: what a buyer pays or a seller receives.
    ``payment_minor`` is the money actually moved, in whole minor units: rounded down for a
    buyer (never above her curve), up for a seller (never below his curve).
    """

    party: str
    side: Side
    quantity: Fraction
    price: Fraction
    payment: Fraction
    payment_minor: int


@dataclass(frozen=True)
class CurveClearing:
    """A single-sided clearing of demand curves against a fixed supply (:func:`clear_single`).

    ``price`` is the unit price in whole minor units (``None``: no sale), ``quantity`` the units
    sold (``<= supply``), ``revenue`` the exact ``price * quantity`` and ``revenue_minor`` the
    sum of the rounded payments. ``allocations`` lists every bidder, in the order given.
    """

    price: int | None
    quantity: Fraction
    supply: Fraction
    revenue: Fraction
    revenue_minor: int
    allocations: tuple[CurveAllocation, ...]
    notes: tuple[str, ...]
    currency: str | None = None

    def allocation(self, party: str) -> CurveAllocation:
        """The allocation of ``party``."""
        for a in self.allocations:
            if a.party == party:
                return a
        raise InvalidInput(f"{party!r} did not bid in this clearing")


@dataclass(frozen=True)
class DoubleCurveClearing:
    """A double-sided clearing of demand against supply curves (:func:`clear_double`).

    Buyers clear at ``buyer_price``, sellers at ``seller_price`` (exact Fractions of minor units;
    equal under ``"efficiency"``; ``None``: no trade). ``quantity`` is the units traded, on each
    side. ``profit`` is the market maker's exact imbalance, buyers' exact payments minus sellers'
    exact receipts (``quantity * (buyer_price - seller_price)``); ``profit_minor`` the same after
    rounding the transfers (buyers down, sellers up), so it can fall below ``profit`` by up to
    one minor unit per trading party.
    """

    objective: str
    buyer_price: Fraction | None
    seller_price: Fraction | None
    quantity: Fraction
    profit: Fraction
    profit_minor: int
    allocations: tuple[CurveAllocation, ...]
    notes: tuple[str, ...]
    currency: str | None = None

    @property
    def price(self) -> Fraction | None:
        """The one clearing price when buyers and sellers clear at the same price, else None."""
        return self.buyer_price if self.buyer_price == self.seller_price else None

    def allocation(self, party: str, side: Side) -> CurveAllocation:
        """The allocation of ``party`` on ``side`` (``"buyer"`` or ``"seller"``)."""
        for a in self.allocations:
            if a.party == party and a.side == side:
                return a
        raise InvalidInput(f"{party!r} did not trade as a {side} in this clearing")


def _allocate(curves: Sequence[Curve], side: Side, price: Fraction) -> list[CurveAllocation]:
    out = []
    for c in curves:
        q = _value(c.points, price)
        pay = price * q
        minor = math.floor(pay) if side == "buyer" else math.ceil(pay)
        out.append(CurveAllocation(c.party, side, q, price, pay, minor))
    return out


def _idle(curves: Sequence[Curve], side: Side) -> list[CurveAllocation]:
    zero = Fraction(0)
    return [CurveAllocation(c.party, side, zero, zero, zero, 0) for c in curves]


# -- single-sided ----------------------------------------------------------------------------


def _single_candidates(points: Sequence[tuple[int, Fraction]], supply: Fraction) -> set[int]:
    """Integer prices among which the best feasible revenue lies (module docstring)."""
    cands: set[int] = {p for p, _ in points}
    pieces: list[tuple[int, int, Fraction, Fraction]] = []
    if points[0][0] > 0:  # left of the first breakpoint: constant, from price 0
        pieces.append((0, points[0][0], points[0][1], points[0][1]))
    pieces.extend((a, b, ya, yb) for (a, ya), (b, yb) in itertools.pairwise(points))
    for a, b, ya, yb in pieces:
        slope = (yb - ya) / (b - a)
        lo_f: Fraction = Fraction(a)
        hi_f: Fraction = Fraction(b)
        if slope == 0:
            if ya > supply:
                continue
        elif slope > 0:  # D(p) <= supply up to where the line reaches supply
            hi_f = min(hi_f, a + (supply - ya) / slope)
        else:  # decreasing: feasible from where the line falls to supply
            lo_f = max(lo_f, a + (supply - ya) / slope)
        lo, hi = math.ceil(lo_f), math.floor(hi_f)
        if lo > hi:
            continue
        cands.update((lo, hi))
        if slope < 0:  # revenue slope*p^2 + (ya - slope*a)*p is concave: its vertex
            vertex = (ya - slope * a) / (-2 * slope)
            for v in (math.floor(vertex), math.ceil(vertex)):
                if lo <= v <= hi:
                    cands.add(v)
    return cands


def clear_single(
    curves: Sequence[DemandCurve],
    supply: int | Fraction,
    *,
    currency: str | None = None,
) -> CurveClearing:
    """Clear demand curves against one seller's ``supply`` units (eMediator 2.2, SPEC 3.3).

    Picks the whole-minor-unit price ``p`` maximising ``p * D(p)`` subject to ``D(p) <= supply``
    (ties: larger quantity, then lower price) from a few candidates per linear piece of the
    aggregate demand D; each bidder gets ``D_i(p)`` and pays ``p * D_i(p)``, rounded down to
    whole minor units. ``currency`` (optional, checked) only labels the result.
    """
    demand = _check_curves(curves, DemandCurve, "demand curves")
    q_supply = _check_supply(supply)
    cur = None if currency is None else check_currency(currency)
    points = _aggregate(demand)
    notes: list[str] = []
    best: tuple[Fraction, Fraction, int] | None = None  # (revenue, quantity, -price)
    if points:
        for p in _single_candidates(points, q_supply):
            q = _value(points, Fraction(p))
            if q > q_supply:
                continue
            key = (p * q, q, -p)
            if best is None or key > best:
                best = key
    if best is None or best[1] == 0:
        if not demand:
            notes.append("no demand curves: nothing is sold")
        else:
            notes.append(
                "no sale: at every whole-minor-unit price the aggregate demand is either 0 or "
                f"more than the supply of {_fmt(q_supply)} units"
            )
        idle = tuple(_idle(demand, "buyer"))
        zero = Fraction(0)
        return CurveClearing(None, zero, q_supply, zero, 0, idle, tuple(notes), cur)
    revenue, quantity, neg_price = best
    price = -neg_price
    allocations = _allocate(demand, "buyer", Fraction(price))
    revenue_minor = sum(a.payment_minor for a in allocations)
    notes.append(
        f"unit price {price} maximises revenue p*D(p) = {_fmt(revenue)} subject to "
        f"D(p) <= supply; {_fmt(quantity)} of {_fmt(q_supply)} units sold"
    )
    if quantity == q_supply:
        notes.append("the supply constraint binds: every unit is sold")
    else:
        notes.append(f"{_fmt(q_supply - quantity)} units stay unsold")
    if revenue_minor != revenue:
        notes.append(
            f"payments are rounded down to whole minor units: the seller receives "
            f"{revenue_minor}, {_fmt(revenue - revenue_minor)} less than the exact revenue"
        )
    return CurveClearing(
        price, quantity, q_supply, revenue, revenue_minor, tuple(allocations), tuple(notes), cur
    )


# -- double-sided ----------------------------------------------------------------------------


def _crossings(
    dem: Sequence[tuple[int, Fraction]], sup: Sequence[tuple[int, Fraction]]
) -> list[Fraction]:
    """Every isolated price where D = S, and both ends of every interval where D = S."""
    prices = sorted({p for p, _ in dem} | {p for p, _ in sup})
    gaps = [(_value(dem, Fraction(p)) - _value(sup, Fraction(p))) for p in prices]
    out = [Fraction(p) for p, g in zip(prices, gaps, strict=True) if g == 0]
    for k in range(len(prices) - 1):
        ga, gb = gaps[k], gaps[k + 1]
        if (ga < 0 < gb) or (gb < 0 < ga):
            a, b = prices[k], prices[k + 1]
            out.append(a + ga * (b - a) / (ga - gb))
    return out


def _inverse_pieces(
    points: Sequence[tuple[int, Fraction]], demand: bool
) -> list[tuple[Fraction, Fraction, Fraction, Fraction]]:
    """Each piece as ``(q_lo, q_hi, alpha, beta)``: its best price at quantity q is alpha+beta*q.

    Demand wants the largest price for a quantity, supply the smallest; a flat piece fixes q
    and takes its right (demand) or left (supply) end.
    """
    out = []
    for (a, ya), (b, yb) in itertools.pairwise(points):
        if ya == yb:
            out.append((ya, ya, Fraction(b if demand else a), Fraction(0)))
        else:
            beta = Fraction(b - a) / (yb - ya)
            out.append((min(ya, yb), max(ya, yb), a - ya * beta, beta))
    return out


def _profit_optimum(
    dem: Sequence[tuple[int, Fraction]], sup: Sequence[tuple[int, Fraction]]
) -> tuple[Fraction, Fraction, Fraction, Fraction] | None:
    """``(profit, q, p_b, p_s)`` maximising q*(p_b - p_s) with D(p_b) = S(p_s) = q, or None."""
    best: tuple[Fraction, Fraction, Fraction, Fraction] | None = None
    sup_pieces = _inverse_pieces(sup, demand=False)
    for dlo, dhi, da, db in _inverse_pieces(dem, demand=True):
        for slo, shi, sa, sb in sup_pieces:
            lo, hi = max(dlo, slo), min(dhi, shi)
            if lo > hi or hi <= 0:
                continue
            lin, quad = da - sa, db - sb  # profit(q) = lin*q + quad*q^2
            qs = {lo, hi}
            if quad < 0:
                vertex = -lin / (2 * quad)
                if lo < vertex < hi:
                    qs.add(vertex)
            for q in qs:
                profit = q * (lin + quad * q)
                if q > 0 and (best is None or (profit, q) > (best[0], best[1])):
                    best = (profit, q, da + db * q, sa + sb * q)
    return best


def clear_double(
    demand: Sequence[DemandCurve],
    supply: Sequence[SupplyCurve],
    objective: str = "efficiency",
    *,
    currency: str | None = None,
) -> DoubleCurveClearing:
    """Clear demand against supply curves (eMediator 2.2, SPEC 3.3).

    ``objective="efficiency"``: one price where aggregate demand meets aggregate supply, the
    crossing of largest quantity (ties: lower price). ``objective="profit"``: the market maker's
    non-discriminatory optimum (Sandholm and Suri), buyers at ``p_b`` and sellers at ``p_s``
    with ``D(p_b) = S(p_s) = q`` maximising ``q * (p_b - p_s)`` (ties: larger quantity). Every
    party gets her own curve's quantity at her side's price; buyers' payments round down,
    sellers' receipts up. See the module docstring for the algorithms.
    """
    buyers = _check_curves(demand, DemandCurve, "demand curves")
    sellers = _check_curves(supply, SupplyCurve, "supply curves")
    obj = _check_objective(objective)
    cur = None if currency is None else check_currency(currency)
    dem, sup = _aggregate(buyers), _aggregate(sellers)
    notes: list[str] = []

    def no_trade(reason: str) -> DoubleCurveClearing:
        idle = _idle(buyers, "buyer") + _idle(sellers, "seller")
        zero = Fraction(0)
        return DoubleCurveClearing(obj, None, None, zero, zero, 0, tuple(idle), (reason,), cur)

    if not buyers or not sellers:
        missing = "demand" if not buyers else "supply"
        return no_trade(f"no {missing} curves: nothing trades")
    if obj == "efficiency":
        crossings = [(_value(dem, p), -p) for p in _crossings(dem, sup)]
        quantity, neg_price = max(crossings)  # never empty: D - S goes from >= 0 to <= 0
        if quantity == 0:
            return no_trade("no trade: aggregate demand and supply meet at no positive quantity")
        p_b = p_s = -neg_price
        notes.append(
            f"demand meets supply at unit price {_fmt(p_b)} with {_fmt(quantity)} units, the "
            "largest quantity at which they meet"
        )
    else:
        found = _profit_optimum(dem, sup)
        if found is None or found[0] <= 0:
            return no_trade(
                "no trade: no positive profit is possible (demand and supply meet at no "
                "positive quantity)"
            )
        _, quantity, p_b, p_s = found
        notes.append(
            f"profit clearing: buyers pay {_fmt(p_b)} and sellers receive {_fmt(p_s)} per "
            f"unit for {_fmt(quantity)} units; the market maker keeps the difference"
        )
    allocations = _allocate(buyers, "buyer", p_b) + _allocate(sellers, "seller", p_s)
    profit = quantity * (p_b - p_s)
    profit_minor = sum(a.payment_minor for a in allocations if a.side == "buyer") - sum(
        a.payment_minor for a in allocations if a.side == "seller"
    )
    if profit_minor != profit:
        notes.append(
            f"rounding to whole minor units (buyers down, sellers up) leaves the market maker "
            f"{profit_minor} instead of the exact {_fmt(profit)}"
        )
    return DoubleCurveClearing(
        obj, p_b, p_s, quantity, profit, profit_minor, tuple(allocations), tuple(notes), cur
    )
