"""Bidding languages for combinatorial markets: OR, XOR and OR-of-XORs (eMediator 2.1, SPEC 3.4).

* **OR**: any subset of a bidder's atomic bids may win.
* **XOR**: at most one of them wins - fully expressive, so Clarke-Groves pricing works.
* **OR-of-XORs**: XOR disjuncts joined by OR; at most one bid per disjunct wins.

The text syntax::

    [({1,2}, 30) XOR ({1,3}, 25)] OR [({4,5}, 75) XOR ({3,5}, 55) XOR ({6}, 25)] OR [({7,8}, 25)]

An atom is ``(bundle, price)``; a bundle lists goods, each optionally with a unit count
(``{A:2, B}``; a negative count sells in an exchange); a price is a decimal amount, optionally
after ``$``. A good's name is a whole number (``12``) or a letter or ``_`` followed by letters,
digits, ``_``, ``.`` or ``-`` (``hour-3``, ``OR`` too). ``XOR`` binds tighter than ``OR``; square
brackets group a disjunct. OR bids are written as bare atoms joined by ``OR``. A bid with a single
disjunct is an XOR bid whatever it is called. :func:`format_bid` prints the canonical form and
``parse_bid(format_bid(e)) == e``. The table form is one table per XOR disjunct and a row per
bundle, as in eAuctionHouse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from trustmarket.combinatorial.instance import BundleBid, Good, Instance
from trustmarket.core.errors import BidSyntaxError, InvalidAmount, InvalidInput, InvalidInstance
from trustmarket.core.money import CURRENCY_DIGITS, Money, check_currency


class Language(StrEnum):
    OR = "or"
    XOR = "xor"
    OR_OF_XORS = "or_of_xors"


class Pricing(StrEnum):
    FIRST_PRICE = "first_price"
    CLARKE_GROVES = "clarke_groves"


_E = TypeVar("_E", Language, Pricing)


def _coerce(enum: type[_E], value: object, what: str) -> _E:
    if isinstance(value, str) and value in {m.value for m in enum}:
        return enum(value)
    allowed = ", ".join(m.value for m in enum)
    raise InvalidInstance(f"unknown {what} {value!r}; allowed: {allowed}")


def _counts(bundle: object, where: str) -> dict[str, int]:
    """Units per good of a bundle given as a mapping name -> units or a list of distinct names."""
    if isinstance(bundle, Mapping):
        return dict(bundle)
    if isinstance(bundle, str) or not isinstance(bundle, Iterable):
        raise InvalidInstance(f"{where}bundle must be a list of goods or a mapping good -> units")
    names = list(bundle)
    counts = dict.fromkeys(names, 1)
    if len(counts) != len(names):
        twice = next(g for g in counts if names.count(g) > 1)
        raise InvalidInstance(
            f"{where}good {twice!r} is listed twice in one bundle; give a mapping good -> units "
            "for several units"
        )
    return counts


@dataclass(frozen=True, slots=True)
class Atom:
    """One bundle with its price: ``bundle`` is ``((good, units), ...)`` sorted by good name.

    The bundle is checked (non-empty, distinct goods named by non-empty strings, non-zero int
    units) and sorted on construction, so equal bundles compare equal.
    """

    bundle: tuple[tuple[str, int], ...]
    price: Money

    def __post_init__(self) -> None:
        if not isinstance(self.price, Money):
            raise InvalidInstance(
                f"an atom's price must be Money, got {type(self.price).__name__} {self.price!r}"
            )
        try:
            pairs = [(name, units) for name, units in self.bundle]
        except (TypeError, ValueError):
            raise InvalidInstance(
                f"a bundle is a sequence of (good, units) pairs, got {self.bundle!r}"
            ) from None
        if not pairs:
            raise InvalidInstance("empty bundle; a bid must name at least one good")
        for name, units in pairs:
            if not isinstance(name, str) or not name:
                raise InvalidInstance(f"goods are named by non-empty strings, got {name!r}")
            if isinstance(units, bool) or not isinstance(units, int) or units == 0:
                raise InvalidInstance(f"units of {name!r} must be a non-zero int, got {units!r}")
        names = [name for name, _ in pairs]
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise InvalidInstance(f"good {twice!r} appears twice in one bundle")
        object.__setattr__(self, "bundle", tuple(sorted(pairs)))

    @staticmethod
    def of(bundle: Mapping[str, int] | Iterable[str], price: Money) -> Atom:
        """An atom from a list of distinct goods (one unit each) or a mapping good -> units."""
        return Atom(tuple(_counts(bundle, "").items()), price)


@dataclass(frozen=True, slots=True)
class BidExpr:
    """A bidder's whole bid: ``groups`` are the XOR disjuncts joined by OR.

    A bid with one disjunct is an XOR bid (a single atom means the same in every language), so
    its ``language`` is set to XOR; this keeps ``parse_bid(format_bid(e)) == e``.
    """

    groups: tuple[tuple[Atom, ...], ...]
    language: Language

    def __post_init__(self) -> None:
        object.__setattr__(self, "language", _coerce(Language, self.language, "bid language"))
        if not self.groups or any(not g for g in self.groups):
            raise InvalidInstance("a bid needs at least one atom in every XOR disjunct")
        object.__setattr__(self, "groups", tuple(tuple(g) for g in self.groups))
        if any(not isinstance(a, Atom) for g in self.groups for a in g):
            raise InvalidInstance("every XOR disjunct of a bid is a sequence of Atom")
        if len(self.groups) == 1:
            object.__setattr__(self, "language", Language.XOR)
        if self.language is Language.XOR and len(self.groups) != 1:
            raise InvalidInstance("an XOR bid is a single disjunct; use OR-of-XORs for several")
        if self.language is Language.OR and any(len(g) != 1 for g in self.groups):
            raise InvalidInstance("an OR bid joins single atoms; use XOR or OR-of-XORs for XOR")
        currencies = {a.price.currency for g in self.groups for a in g}
        if len(currencies) != 1:
            raise InvalidInstance(f"one bid uses one currency, got {sorted(currencies)}")

    @property
    def atoms(self) -> tuple[Atom, ...]:
        return tuple(a for g in self.groups for a in g)

    def fits(self, language: Language) -> bool:
        """Whether this bid can be submitted where ``language`` is the auction's language."""
        language = _coerce(Language, language, "bidding language")
        if language is Language.OR_OF_XORS or self.language is language:
            return True
        # A single atom means the same in every language.
        return len(self.atoms) == 1


_NOT_EXPRESSIVE = (
    "Clarke-Groves pricing needs a fully expressive bidding language: OR bids cannot "
    "state that a bundle is worth less than its parts (e.g. $5 + $4 for items 1 and 2 "
    "but $7 for both), so truthful bidding would not be possible; use XOR or "
    "OR-of-XORs bids"
)


def check_pricing(language: Language, pricing: Pricing) -> None:
    """Refuse a language that is not fully expressive for Clarke-Groves (eMediator 2.1.2)."""
    language = _coerce(Language, language, "bidding language")
    pricing = _coerce(Pricing, pricing, "pricing rule")
    if pricing is Pricing.CLARKE_GROVES and language is Language.OR:
        raise InvalidInstance(_NOT_EXPRESSIVE)


# -- text syntax ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<kw>XOR|OR)(?![A-Za-z0-9_.\-])|(?P<num>-?[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)|(?P<sym>[\[\](){},:$]))"
)
#: The good names :func:`format_bid` can write so that :func:`parse_bid` reads them back.
_NAME = re.compile(r"[0-9]+|[A-Za-z_][A-Za-z0-9_.\-]*")


class _Parser:
    def __init__(self, text: str, currency: str) -> None:
        self.text = text
        self.currency = currency
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                col = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
                raise BidSyntaxError(f"unexpected character {text[col - 1]!r}", text, col)
            kind = m.lastgroup or ""
            start = m.start(kind)
            self.tokens.append((kind, m.group(kind), start + 1))
            pos = m.end()
        self.i = 0
        self.bracketed = False

    def peek(self) -> tuple[str, str, int]:
        if self.i < len(self.tokens):
            return self.tokens[self.i]
        return ("end", "", len(self.text) + 1)

    def fail(self, message: str) -> BidSyntaxError:
        _, value, col = self.peek()
        found = f"{value!r}" if value else "the end"
        return BidSyntaxError(f"{message}, found {found}", self.text, col)

    def expect(self, symbol: str) -> None:
        kind, value, _ = self.peek()
        if value != symbol or kind not in ("sym", "kw"):
            raise self.fail(f"expected {symbol!r}")
        self.i += 1

    def at(self, value: str) -> bool:
        kind, v, _ = self.peek()
        return v == value and kind in ("sym", "kw")

    def parse(self) -> BidExpr:
        groups = [self.term()]
        saw_or = False
        while self.at("OR"):
            self.i += 1
            saw_or = True
            groups.append(self.term())
        if self.peek()[0] != "end":
            raise self.fail("expected 'OR', 'XOR' or the end of the bid")
        if len(groups) == 1:
            language = Language.XOR
        elif saw_or and not self.bracketed and all(len(g) == 1 for g in groups):
            language = Language.OR
        else:
            language = Language.OR_OF_XORS
        return BidExpr(tuple(groups), language)

    def term(self) -> tuple[Atom, ...]:
        if self.at("["):
            self.bracketed = True
            self.i += 1
            atoms = self.xor_list()
            self.expect("]")
            return atoms
        return self.xor_list()

    def xor_list(self) -> tuple[Atom, ...]:
        atoms = [self.atom()]
        while self.at("XOR"):
            self.i += 1
            atoms.append(self.atom())
        return tuple(atoms)

    def atom(self) -> Atom:
        self.expect("(")
        self.expect("{")
        counts: dict[str, int] = {}
        while True:
            kind, value, col = self.peek()
            # Inside a bundle OR and XOR are plain names: no connective can stand there.
            if kind not in ("name", "num", "kw") or (
                kind == "num" and ("." in value or value.startswith("-"))
            ):
                raise self.fail("expected a good's name or number")
            self.i += 1
            units = 1
            if self.at(":"):
                self.i += 1
                k, v, _ = self.peek()
                if k != "num" or "." in v or int(v) == 0:
                    raise self.fail("expected a non-zero whole number of units")
                units = int(v)
                self.i += 1
            if value in counts:
                raise BidSyntaxError(f"good {value!r} appears twice in one bundle", self.text, col)
            counts[value] = units
            if self.at(","):
                self.i += 1
                continue
            self.expect("}")
            break
        self.expect(",")
        if self.at("$"):
            self.i += 1
        kind, value, col = self.peek()
        if kind != "num":
            raise self.fail("expected a price such as 30 or 12.50")
        try:
            price = Money.parse(value, self.currency)
        except InvalidAmount as err:
            raise BidSyntaxError(err.message, self.text, col) from None
        self.i += 1
        self.expect(")")
        return Atom(tuple(sorted(counts.items())), price)


def parse_bid(text: str, currency: str = "PTS") -> BidExpr:
    """Parse the text syntax; a :class:`BidSyntaxError` names the column of the fault."""
    check_currency(currency)
    if not isinstance(text, str):
        raise InvalidInstance(f"a bid text must be a string, got {type(text).__name__}")
    return _Parser(text, currency).parse()


def _format_atom(atom: Atom) -> str:
    for name, _ in atom.bundle:
        if not _NAME.fullmatch(name):
            raise InvalidInstance(
                f"good {name!r} cannot be written in the bid syntax; names there are whole "
                "numbers or a letter or '_' followed by letters, digits, '_', '.' or '-' "
                "(use the table form for other names)"
            )
    goods = ",".join(name if units == 1 else f"{name}:{units}" for name, units in atom.bundle)
    return f"({{{goods}}}, {atom.price.decimal()})"


def format_bid(expr: BidExpr) -> str:
    """The canonical text of a bid (round-trips through :func:`parse_bid`)."""
    if expr.language is Language.OR:
        return " OR ".join(_format_atom(g[0]) for g in expr.groups)
    if expr.language is Language.XOR:
        return " XOR ".join(_format_atom(a) for a in expr.groups[0])
    return " OR ".join("[" + " XOR ".join(_format_atom(a) for a in g) + "]" for g in expr.groups)


# -- table form ----------------------------------------------------------------------------------


def to_tables(expr: BidExpr) -> list[list[dict[str, Any]]]:
    """One table per XOR disjunct; a row per bundle: ``{"bundle": {good: units}, "price": str}``."""
    return [
        [{"bundle": dict(a.bundle), "price": a.price.decimal()} for a in group]
        for group in expr.groups
    ]


def from_tables(tables: Sequence[Sequence[Mapping[str, Any]]], currency: str) -> BidExpr:
    """Build an OR-of-XORs bid from tables (a single table is an XOR bid)."""
    check_currency(currency)
    if isinstance(tables, str | Mapping) or not isinstance(tables, Sequence):
        raise InvalidInstance("tables must be a list of tables, each a list of rows")
    groups: list[tuple[Atom, ...]] = []
    for t, table in enumerate(tables):
        if isinstance(table, str | Mapping) or not isinstance(table, Sequence):
            raise InvalidInstance(f"table {t + 1}: a table is a list of rows")
        if not table:
            raise InvalidInstance(f"table {t + 1} is empty; every table needs at least one row")
        atoms: list[Atom] = []
        for r, row in enumerate(table):
            where = f"table {t + 1}, row {r + 1}"
            if not isinstance(row, Mapping) or "bundle" not in row or "price" not in row:
                raise InvalidInstance(f"{where}: a row needs 'bundle' and 'price'")
            counts = _counts(row["bundle"], f"{where}: ")
            for name, units in counts.items():
                if not isinstance(name, str) or not name:
                    raise InvalidInstance(f"{where}: goods are named by non-empty strings")
                if isinstance(units, bool) or not isinstance(units, int) or units == 0:
                    raise InvalidInstance(f"{where}: units of {name!r} must be a non-zero int")
            if not counts:
                raise InvalidInstance(f"{where}: empty bundle; a row needs at least one good")
            try:
                price = Money.coerce(row["price"], currency)
            except InvalidInput as err:
                raise type(err)(f"{where}: {err.message}") from None
            atoms.append(Atom.of(counts, price))
        groups.append(tuple(atoms))
    if not groups:
        raise InvalidInstance("a bid needs at least one table")
    language = Language.XOR if len(groups) == 1 else Language.OR_OF_XORS
    return BidExpr(tuple(groups), language)


# -- from bids to a winner-determination instance ------------------------------------------------


def build_instance(
    goods: Mapping[str, int] | Sequence[str],
    bids: Mapping[str, BidExpr],
    *,
    currency: str,
    language: Language = Language.OR_OF_XORS,
    pricing: Pricing = Pricing.FIRST_PRICE,
    exchange: bool = False,
) -> Instance:
    """The instance for these bidders' bids; atomic bid ids are ``bidder#1``, ``bidder#2``, ...

    Refuses a bid outside the auction's ``language``, a language that ``pricing`` cannot use,
    and under Clarke-Groves an OR bid (it is not fully expressive, eMediator 2.1.2) even where
    the auction takes OR-of-XORs.
    """
    check_currency(currency)
    language = _coerce(Language, language, "bidding language")
    pricing = _coerce(Pricing, pricing, "pricing rule")
    check_pricing(language, pricing)
    goods_t = (
        tuple(Good(n, u) for n, u in goods.items())
        if isinstance(goods, Mapping)
        else tuple(Good(n) for n in goods)
    )
    index = {g.name: i for i, g in enumerate(goods_t)}
    out: list[BundleBid] = []
    group_id = 0
    for bidder, expr in bids.items():
        if not isinstance(bidder, str) or not bidder:
            raise InvalidInstance(f"bidders are named by non-empty strings, got {bidder!r}")
        if not isinstance(expr, BidExpr):
            raise InvalidInstance(
                f"{bidder!r}: a bid must be a BidExpr (see parse_bid and from_tables), got "
                f"{type(expr).__name__}"
            )
        if pricing is Pricing.CLARKE_GROVES and expr.language is Language.OR:
            raise InvalidInstance(f"{bidder!r} sent an OR bid: {_NOT_EXPRESSIVE}")
        if not expr.fits(language):
            raise InvalidInstance(
                f"{bidder!r} sent a {expr.language.value} bid but this auction takes "
                f"{language.value} bids"
            )
        k = 0
        for group in expr.groups:
            gid = group_id if len(group) > 1 else None
            group_id += 1
            for atom in group:
                k += 1
                if atom.price.currency != currency:
                    raise InvalidInstance(
                        f"{bidder!r} bid in {atom.price.currency}; "
                        f"this auction trades in {currency}"
                    )
                items = []
                for name, units in atom.bundle:
                    if name not in index:
                        raise InvalidInstance(
                            f"{bidder!r} bids on unknown good {name!r}; goods: {', '.join(index)}"
                        )
                    items.append((index[name], units))
                out.append(
                    BundleBid(f"{bidder}#{k}", bidder, atom.price.minor, tuple(sorted(items)), gid)
                )
    return Instance(goods_t, tuple(out), CURRENCY_DIGITS[currency], currency, exchange)
