"""The ledger explorer (SPEC sections 6 and 9, issue 10): the transparency log for people.

``/ledger`` shows the log's signed tree head (RFC 9162 section 4.10, in this service's canonical
JSON form: :meth:`trustmarket.ledger.log.TreeHead.signed_bytes`), the log's key, the latest
entries, and, with ``?entry=N``, entry ``N`` with its inclusion proof (RFC 9162 section 2.1.3).

The page does not ask to be believed: ``static/ledger.js`` checks in the browser, with
WebCrypto, what the service rendered (the same JSON the API gives, embedded in the page): the
log id is the SHA-256 of the public key, the head's Ed25519 signature (RFC 8032) verifies over
the canonical bytes, the leaf hash ``SHA-256(0x00 || entry)`` folds along the audit path to the
signed root (RFC 9162 section 2.1.3.2), and the head is consistent with the last head this
browser saw (RFC 9162 section 2.1.4.2, a consistency proof fetched from the API). A logged-in
visitor can also check the receipts of an auction (``GET /api/auctions/{id}/receipts``): each
receipt's salted event digest must be the entry the log holds at its index
(:func:`trustmarket.service.ledger.event_entry`), and that entry must be included in a signed
head. :mod:`trustmarket.ledger.verify` is the Python reference of every check.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from trustmarket.ledger.log import TREE_HEAD_TYPE
from trustmarket.service.deps import service_of
from trustmarket.service.principal import Principal
from trustmarket.service.schema import Auction, AuctionEvent
from trustmarket.service.web.render import render, visitor_of
from trustmarket.service.writer import Work

__all__ = ["LATEST", "entry_type", "head_time", "router"]

router = APIRouter(include_in_schema=False)

#: How many of the newest entries the page lists (a person browses; a program pages the API).
LATEST = 10

#: The receipts form offers the visitor's auctions, newest first, up to this many.
_YOUR_AUCTIONS = 50

#: The largest index the API accepts (``/api/ledger/entries/{index}``, ``le=2**62``).
_MAX_INDEX = 2**62


def head_time(timestamp: int) -> tuple[str, str]:
    """A tree head's timestamp (milliseconds since the epoch) to the second, in UTC: for
    people (``2026-11-01 12:00:00 UTC``) and ISO 8601 for ``<time datetime>``."""
    when = datetime.fromtimestamp(timestamp // 1000, UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC"), when.strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_type(data: bytes) -> str:
    """The ``type`` of a log entry that is a JSON object with one, else ``"-"`` (entries are
    canonical JSON by the service's convention, but the log stores any bytes)."""
    try:
        value = json.loads(data)
    except ValueError:
        return "-"
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else "-"


def _parse_index(raw: str | None) -> tuple[int | None, str | None]:
    """The ``entry`` query parameter as an index, or a message saying why it is not one."""
    if raw is None or raw.strip() == "":
        return None, None
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return None, f"an entry index is a whole number from 0, got {raw!r}"
    index = int(text)
    if index > _MAX_INDEX:
        return None, f"an entry index is at most {_MAX_INDEX}, got {index}"
    return index, None


def _your_auctions(work: Work, who: Principal) -> list[dict[str, str]]:
    """The auctions in which ``who`` sent events (the ones with receipts to check)."""
    rows = work.connection.execute(
        select(Auction.id, Auction.title, Auction.created_at)
        .where(
            Auction.id.in_(
                select(AuctionEvent.auction_id).where(AuctionEvent.account_id == who.account_id)
            )
        )
        .order_by(Auction.created_at.desc(), Auction.id)
        .limit(_YOUR_AUCTIONS)
    )
    return [{"auction_id": r.id, "title": r.title} for r in rows]


@router.get("/ledger")
async def ledger_page(request: Request) -> Response:
    """The signed tree head, the latest entries, entry ``?entry=N`` with its proof."""
    visitor = visitor_of(request)
    service = service_of(request)
    who = visitor.principal
    index, problem = _parse_index(request.query_params.get("entry"))

    def job(work: Work) -> dict[str, Any]:
        # One job, so that the head, the proof and the listing are of the same tree.
        head = service.log.tree_head(work)
        size = head.size
        latest = [
            {"index": i, "type": entry_type(service.log.entry(work, i))}
            for i in range(size - 1, max(size - LATEST, 0) - 1, -1)
        ]
        entry: dict[str, Any] | None = None
        missing = None
        if index is not None:
            if index >= size:
                missing = f"there is no log entry {index}; the log holds {size} entries"
            else:
                data = service.log.entry(work, index)
                # The same fields as GET /api/ledger/entries/{index}: the script checks these.
                entry = {
                    "index": index,
                    "entry": base64.b64encode(data).decode("ascii"),
                    "entry_text": data.decode("utf-8", errors="replace"),
                    "proof": service.log.inclusion_proof(work, index, size).to_json(),
                    "head": head.to_json(),
                    "bytes": len(data),
                    "type": entry_type(data),
                }
        mine = _your_auctions(work, who) if who is not None else []
        return {
            "head": head.to_json(),
            "latest": latest,
            "entry": entry,
            "missing": missing,
            "your_auctions": mine,
        }

    found = await service.run(job)
    public = service.log.log.public_key
    key = {"log_id": service.log.log.log_id, "public_key": public.hex}
    status = 400 if problem else 404 if found["missing"] else 200
    shown, iso = head_time(int(found["head"]["timestamp"]))
    return render(
        request,
        "ledger.html",
        visitor,
        status_code=status,
        key=key,
        pem=public.pem().decode("ascii"),
        head=found["head"],
        head_time=shown,
        head_iso=iso,
        head_type=TREE_HEAD_TYPE,
        latest=found["latest"],
        entry=found["entry"],
        problem=problem or found["missing"],
        asked=request.query_params.get("entry", ""),
        your_auctions=found["your_auctions"],
        chosen_auction=request.query_params.get("auction", ""),
    )
