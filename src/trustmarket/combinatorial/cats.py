"""Read and write the CATS text format (Leyton-Brown, Pearson, Shoham 2000).

A file has comment lines starting with ``%``, the header lines ``goods N``, ``bids M`` and
``dummy D`` (D may be absent or 0), then one line per bid::

    id<TAB>price<TAB>good<TAB>good ...<TAB>#

Goods ``0..N-1`` are real; goods ``N..N+D-1`` are dummy goods that tie bids together: bids that
share a dummy good come from one bidder and are mutually exclusive (XOR). A bid without a dummy
good is its own bidder. Bidders are named by their lowest bid id. Prices are decimal numbers;
they are read exactly into integer minor units with as many decimals as the file uses (at most
12), so nothing is rounded.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from trustmarket.combinatorial.instance import MAX_PRICE, BundleBid, Good, Instance
from trustmarket.core.errors import FileFormatError, InvalidInput, InvalidInstance

#: ASCII digits only: ``str.isdigit`` also admits e.g. superscripts, which ``int`` refuses.
#: Whole numbers (bid ids, good ids, header counts) have at most 18 digits: they fit in 64 bits,
#: and no line can make Python convert a number of thousands of digits.
_WHOLE = re.compile(r"[0-9]{1,18}")
#: The most goods, bids and dummy goods a file may announce (25 times the generators' most
#: goods): the header is checked before anything is built, so a typo cannot exhaust memory.
MAX_FILE_GOODS = 100_000
MAX_FILE_BIDS = 10_000_000
_PRICE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
#: Bid ids as :func:`parse_cats` gives them back (no sign, no leading zeros).
_CANONICAL_ID = re.compile(r"0|[1-9][0-9]*")
_MAX_DECIMALS = 12


def read_cats(path: str | Path) -> Instance:
    """Read a CATS file; ``path`` is always a file name (:func:`parse_cats` takes text)."""
    if not isinstance(path, str | Path):
        raise InvalidInput(f"a CATS path must be a str or Path, got {type(path).__name__}")
    source = Path(path)
    where = str(source)
    try:
        data = source.read_bytes()
    except OSError as err:
        raise FileFormatError(f"cannot read the file: {err.strerror}", where, 0) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise FileFormatError(
            f"byte {data[err.start]:#04x} is not UTF-8 text; a CATS file is plain text",
            where,
            line,
        ) from None
    return parse_cats(text, where)


def parse_cats(text: str, where: str = "<text>") -> Instance:
    """Read CATS text; a :class:`FileFormatError` names ``where`` and the line of the fault."""
    header: dict[str, int] = {}
    rows: list[tuple[int, str, str, list[int]]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        parts = line.split()
        key = parts[0].lower()
        if key in ("goods", "bids", "dummy") and len(parts) == 2:
            if key in header:
                raise FileFormatError(f"the {key!r} line appears twice", where, lineno)
            if not _WHOLE.fullmatch(parts[1]):
                raise FileFormatError(
                    f"{key} must be a whole number, got {parts[1]!r}", where, lineno
                )
            header[key] = int(parts[1])
            low, high = (1, MAX_FILE_GOODS) if key == "goods" else (0, MAX_FILE_BIDS)
            if not low <= header[key] <= high:
                raise FileFormatError(
                    f"{key} must be between {low:,} and {high:,}, got {header[key]:,}",
                    where,
                    lineno,
                )
            continue
        if "goods" not in header or "bids" not in header:
            raise FileFormatError(
                "bid line before the 'goods N' and 'bids M' header lines", where, lineno
            )
        if parts[-1] != "#":
            raise FileFormatError("a bid line must end with '#'", where, lineno)
        if len(parts) < 4:
            raise FileFormatError(
                "a bid line is 'id price good [good ...] #' with at least one good", where, lineno
            )
        if not _WHOLE.fullmatch(parts[0]):
            raise FileFormatError(
                f"bid id must be a whole number of at most 18 digits, got {parts[0]!r}",
                where,
                lineno,
            )
        if not _PRICE.fullmatch(parts[1]):
            raise FileFormatError(
                f"price must be a non-negative decimal number, got {parts[1]!r}", where, lineno
            )
        goods: list[int] = []
        for token in parts[2:-1]:
            if not _WHOLE.fullmatch(token):
                raise FileFormatError(
                    f"good ids are whole numbers of at most 18 digits, got {token!r}", where, lineno
                )
            goods.append(int(token))
        rows.append((lineno, parts[0], parts[1], goods))
    if "goods" not in header or "bids" not in header:
        raise FileFormatError("missing the 'goods N' or 'bids M' header line", where, 0)
    n_goods, n_dummy = header["goods"], header.get("dummy", 0)
    if len(rows) != header["bids"]:
        raise FileFormatError(
            f"the header announces {header['bids']} bids but the file has {len(rows)}",
            where,
            rows[-1][0] if rows else 0,
        )
    for lineno, _, price_text, _ in rows:
        if len(price_text.partition(".")[2]) > _MAX_DECIMALS:
            raise FileFormatError(
                f"price {price_text} has more than {_MAX_DECIMALS} decimals", where, lineno
            )
    decimals = max((len(p.partition(".")[2]) for _, _, p, _ in rows), default=0)
    scale = Decimal(10) ** decimals
    owner: dict[int, int] = {}
    parsed: list[tuple[int, int, int, tuple[tuple[int, int], ...], int | None]] = []
    seen: set[int] = set()
    for lineno, bid_text, price_text, goods in rows:
        bid_id = int(bid_text)
        if bid_id in seen:
            raise FileFormatError(f"bid id {bid_id} appears twice", where, lineno)
        seen.add(bid_id)
        real = sorted({g for g in goods if g < n_goods})
        dummies = sorted({g for g in goods if g >= n_goods})
        if len(real) != len([g for g in goods if g < n_goods]):
            raise FileFormatError("a good is listed twice in one bid", where, lineno)
        if any(g >= n_goods + n_dummy for g in dummies):
            raise FileFormatError(
                f"good {max(dummies)} is out of range: goods are 0..{n_goods + n_dummy - 1}",
                where,
                lineno,
            )
        if len(dummies) > 1:
            raise FileFormatError(
                "a bid with two dummy goods would belong to two bidders", where, lineno
            )
        if not real:
            raise FileFormatError("a bid needs at least one real good", where, lineno)
        price = int(Decimal(price_text) * scale)
        if price <= 0:
            raise FileFormatError(f"a bid price must be positive, got {price_text}", where, lineno)
        if price > MAX_PRICE:
            raise FileFormatError(
                f"price {price_text} is too large: at most 2**43 minor units "
                f"({MAX_PRICE} at {decimals} decimals)",
                where,
                lineno,
            )
        group = dummies[0] if dummies else None
        if group is not None:
            owner[group] = min(owner.get(group, bid_id), bid_id)
        parsed.append((lineno, bid_id, price, tuple((g, 1) for g in real), group))
    bids = []
    for _, bid_id, price, bundle, group in parsed:
        bidder = str(owner[group]) if group is not None else str(bid_id)
        bids.append(BundleBid(str(bid_id), bidder, price, bundle, group))
    try:
        return Instance(tuple(Good(str(g)) for g in range(n_goods)), tuple(bids), decimals)
    except InvalidInstance as err:
        raise FileFormatError(err.message, where, 0) from None


def format_cats(instance: Instance, *, comment: str | None = None) -> str:
    """The CATS text of a single-unit auction instance (bid ids must be whole numbers).

    Goods are written by index (their names are not kept) and each XOR group becomes a dummy
    good numbered from ``len(goods)`` in order of first appearance.
    """
    if instance.exchange or any(g.units != 1 for g in instance.goods):
        raise InvalidInstance("the CATS format holds single-unit auctions only")
    if any(u != 1 for b in instance.bids for _, u in b.bundle):
        raise InvalidInstance("the CATS format holds single-unit bundles only")
    for bid in instance.bids:
        if not _CANONICAL_ID.fullmatch(bid.bid_id):
            raise InvalidInstance(
                f"bid id {bid.bid_id!r} cannot be written in the CATS format; allowed: whole "
                "numbers without a sign or leading zeros (0, 1, 2, ...)"
            )
    n = len(instance.goods)
    dummy: dict[int, int] = {}
    for bid in instance.bids:
        if bid.group is not None:
            dummy.setdefault(bid.group, n + len(dummy))
    lines = [f"% {line}" for line in (comment or "").splitlines()]
    lines += ["", f"goods {n}", f"bids {len(instance.bids)}", f"dummy {len(dummy)}", ""]
    for bid in instance.bids:
        goods = [str(g) for g, _ in bid.bundle]
        if bid.group is not None:
            goods.append(str(dummy[bid.group]))
        price = instance.format_price(bid.price)
        lines.append("\t".join([bid.bid_id, price, *goods, "#"]))
    return "\n".join(lines) + "\n"


def write_cats(instance: Instance, path: str | Path, *, comment: str | None = None) -> None:
    """Write :func:`format_cats` of the instance to ``path`` (nothing is written on error)."""
    Path(path).write_text(format_cats(instance, comment=comment), encoding="utf-8")
