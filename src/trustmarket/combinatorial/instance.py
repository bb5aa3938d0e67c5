"""The winner-determination instance: goods with unit supplies and atomic bundle bids (SPEC 3.4).

Every bidding language reduces to one shape: atomic bids, each with a bundle (units per good)
and a price, plus exclusivity groups. Bids that share a ``group`` are mutually exclusive (XOR);
a bid without a group may win alongside any other (OR). An OR-of-XORs bid is one group per XOR
disjunct. This is also the shape of a CATS file, where a shared dummy good plays the group's role.

Prices are integers in minor units of ``unit`` with ``decimals`` digits after the point (money
never becomes a float). In an exchange, a negative unit count sells that many units and a
negative price asks to be paid; the instance maximises surplus (sum of accepted prices) subject
to every good's net demand not exceeding its supply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from trustmarket.core.errors import InvalidInstance

#: Largest absolute price in minor units: keeps every sum exact in the solvers' doubles.
MAX_PRICE = 2**43


@dataclass(frozen=True, slots=True)
class Good:
    """A good for sale with ``units`` identical units (1 for a plain combinatorial auction)."""

    name: str
    units: int = 1


@dataclass(frozen=True, slots=True)
class BundleBid:
    """One atomic bid: ``bundle`` is ``((good index, units), ...)`` sorted by good."""

    bid_id: str
    bidder: str
    price: int
    bundle: tuple[tuple[int, int], ...]
    group: int | None = None


@dataclass(frozen=True)
class Instance:
    """A validated winner-determination problem. Build it with :func:`make_instance`."""

    goods: tuple[Good, ...]
    bids: tuple[BundleBid, ...]
    decimals: int = 0
    unit: str = "PTS"
    exchange: bool = False
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        _validate(self)
        self._index.update({b.bid_id: i for i, b in enumerate(self.bids)})

    def bid(self, bid_id: str) -> BundleBid:
        """The bid with this id (``InvalidInstance`` if there is none)."""
        try:
            return self.bids[self._index[bid_id]]
        except KeyError:
            raise InvalidInstance(f"no bid with id {bid_id!r} in this instance") from None

    def index_of(self, bid_id: str) -> int:
        self.bid(bid_id)
        return self._index[bid_id]

    @property
    def bidders(self) -> tuple[str, ...]:
        """Bidders in order of first appearance."""
        return tuple(dict.fromkeys(b.bidder for b in self.bids))

    def value_of(self, bid_ids: Iterable[str]) -> int:
        """Sum of the prices of these bids, exactly."""
        return sum(self.bid(b).price for b in bid_ids)

    def format_price(self, minor: int) -> str:
        """A price in minor units as a decimal string (``decimals`` digits)."""
        if self.decimals == 0:
            return str(minor)
        return format(Decimal(minor).scaleb(-self.decimals), "f")

    def check_feasible(self, bid_ids: Iterable[str]) -> None:
        """Raise ``InvalidInstance`` unless these bids can all win together (exact integers)."""
        ids = list(bid_ids)
        if len(set(ids)) != len(ids):
            raise InvalidInstance("an allocation lists a bid twice")
        used = [0] * len(self.goods)
        groups: set[int] = set()
        for bid_id in ids:
            bid = self.bid(bid_id)
            if bid.group is not None:
                if bid.group in groups:
                    raise InvalidInstance(
                        f"bid {bid_id!r} shares XOR group {bid.group} with another winning bid"
                    )
                groups.add(bid.group)
            for good, units in bid.bundle:
                used[good] += units
        for spec, total in zip(self.goods, used, strict=True):
            if total > spec.units:
                raise InvalidInstance(
                    f"good {spec.name!r} is allocated {total} units but only {spec.units} exist"
                )

    def without_bidders(self, bidders: Iterable[str]) -> Instance:
        """The same instance with every bid of these bidders removed."""
        drop = set(bidders)
        return Instance(
            self.goods,
            tuple(b for b in self.bids if b.bidder not in drop),
            self.decimals,
            self.unit,
            self.exchange,
        )


def _validate(inst: Instance) -> None:
    if isinstance(inst.decimals, bool) or not isinstance(inst.decimals, int):
        raise InvalidInstance(f"decimals must be an int from 0 to 12, got {inst.decimals!r}")
    if not 0 <= inst.decimals <= 12:
        raise InvalidInstance(f"decimals must be an int from 0 to 12, got {inst.decimals!r}")
    names: set[str] = set()
    for spec in inst.goods:
        if not isinstance(spec.name, str) or not spec.name:
            raise InvalidInstance(f"a good needs a non-empty name, got {spec.name!r}")
        if spec.name in names:
            raise InvalidInstance(f"good {spec.name!r} is listed twice")
        names.add(spec.name)
        if isinstance(spec.units, bool) or not isinstance(spec.units, int) or spec.units < 0:
            raise InvalidInstance(
                f"good {spec.name!r} has {spec.units!r} units; allowed: an int >= 0"
            )
    seen: set[str] = set()
    group_owner: dict[int, str] = {}
    n = len(inst.goods)
    for bid in inst.bids:
        if not isinstance(bid.bid_id, str) or not bid.bid_id:
            raise InvalidInstance(f"a bid needs a non-empty string id, got {bid.bid_id!r}")
        if bid.bid_id in seen:
            raise InvalidInstance(f"duplicate bid id {bid.bid_id!r}; every bid id must be unique")
        seen.add(bid.bid_id)
        if not isinstance(bid.bidder, str) or not bid.bidder:
            raise InvalidInstance(
                f"bid {bid.bid_id!r}: the bidder must be a non-empty string, got {bid.bidder!r}"
            )
        if isinstance(bid.price, bool) or not isinstance(bid.price, int):
            raise InvalidInstance(
                f"bid {bid.bid_id!r}: price must be an int of minor units, got "
                f"{type(bid.price).__name__} {bid.price!r} (floats are never prices)"
            )
        if abs(bid.price) > MAX_PRICE:
            raise InvalidInstance(f"bid {bid.bid_id!r}: price {bid.price} exceeds 2**43")
        if not inst.exchange and bid.price <= 0:
            raise InvalidInstance(
                f"bid {bid.bid_id!r}: price must be positive in an auction, got {bid.price}"
            )
        if not bid.bundle:
            raise InvalidInstance(f"bid {bid.bid_id!r} has an empty bundle")
        last = -1
        for good, units in bid.bundle:
            if not isinstance(good, int) or not 0 <= good < n:
                raise InvalidInstance(
                    f"bid {bid.bid_id!r} names good {good!r}; goods are 0..{n - 1}"
                )
            if good <= last:
                raise InvalidInstance(
                    f"bid {bid.bid_id!r}: bundle goods must be sorted and distinct"
                )
            last = good
            if isinstance(units, bool) or not isinstance(units, int) or units == 0:
                raise InvalidInstance(
                    f"bid {bid.bid_id!r}: units of {inst.goods[good].name!r} must be a "
                    f"non-zero int, got {units!r}"
                )
            if units < 0 and not inst.exchange:
                raise InvalidInstance(
                    f"bid {bid.bid_id!r} sells {inst.goods[good].name!r}; selling needs an "
                    "exchange (exchange=True)"
                )
        if bid.group is not None:
            owner = group_owner.setdefault(bid.group, bid.bidder)
            if owner != bid.bidder:
                raise InvalidInstance(
                    f"XOR group {bid.group} holds bids of {owner!r} and {bid.bidder!r}; a group "
                    "belongs to one bidder"
                )


def make_instance(
    goods: Mapping[str, int] | Sequence[str],
    bids: Iterable[tuple[str, str, int, Mapping[str, int] | Iterable[str], object]],
    *,
    decimals: int = 0,
    unit: str = "PTS",
    exchange: bool = False,
) -> Instance:
    """Build an instance from goods by name and bids ``(id, bidder, price, bundle, group)``.

    ``goods`` is a list of names (one unit each) or a mapping name -> units. A bundle is a list
    of good names or a mapping name -> units; ``group`` is any hashable label (scoped to the
    bidder) or None for an OR bid.
    """
    goods_t = (
        tuple(Good(name, units) for name, units in goods.items())
        if isinstance(goods, Mapping)
        else tuple(Good(name) for name in goods)
    )
    index = {g.name: i for i, g in enumerate(goods_t)}
    labels: dict[tuple[str, object], int] = {}
    out: list[BundleBid] = []
    for bid_id, bidder, price, bundle, group in bids:
        if isinstance(bundle, Mapping):
            counts = dict(bundle)
        else:
            names = list(bundle)
            counts = dict.fromkeys(names, 1)
            if len(counts) != len(names):
                twice = next(g for g in counts if names.count(g) > 1)
                raise InvalidInstance(
                    f"bid {bid_id!r} lists good {twice!r} twice; give a mapping good -> units "
                    "for several units"
                )
        items: list[tuple[int, int]] = []
        for name, units in counts.items():
            if name not in index:
                raise InvalidInstance(
                    f"bid {bid_id!r} names unknown good {name!r}; goods: "
                    f"{', '.join(index) or '(none)'}"
                )
            items.append((index[name], units))
        gid = None if group is None else labels.setdefault((bidder, group), len(labels))
        out.append(BundleBid(bid_id, bidder, price, tuple(sorted(items)), gid))
    return Instance(goods_t, tuple(out), decimals, unit, exchange)
