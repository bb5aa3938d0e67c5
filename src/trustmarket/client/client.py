"""The client: one method per API operation, and the verify-my-bid helper."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from trustmarket.core.errors import InvalidProof
from trustmarket.ledger.canonical import canonical_json
from trustmarket.ledger.keys import PublicKey
from trustmarket.ledger.log import InclusionProof, TreeHead
from trustmarket.ledger.verify import LogClient, verify_inclusion

__all__ = ["ApiError", "Client", "VerifiedReceipt", "receipt_entry"]


class ApiError(Exception):
    """A refusal of the service: HTTP ``status``, the error ``code`` and its ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VerifiedReceipt:
    """A receipt whose event was found on the log: its index and the head that proves it."""

    log_index: int
    tree_size: int
    root_hash: str


def receipt_entry(receipt: dict[str, Any]) -> dict[str, Any]:
    """The log entry a receipt's event must have (the service's
    :func:`~trustmarket.service.ledger.event_entry`, recomputed on the client's side)."""
    import hashlib

    salt = bytes.fromhex(receipt["salt"])
    digest = hashlib.sha256(salt + canonical_json(receipt["event"])).hexdigest()
    return {
        "type": "auction_event",
        "auction_id": receipt["auction_id"],
        "seq": receipt["seq"],
        "digest": digest,
    }


class Client:
    """A session with the service at ``base_url``; :meth:`login` or ``token=`` authenticates.

    ``log_key`` pins the transparency log's public key (hex); without it the key is fetched
    once, on first use, and pinned from then on (trust on first use).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        log_key: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
        self.token = token
        self._log_key = None if log_key is None else PublicKey.from_hex(log_key)
        self._log_client: LogClient | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ---------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request; return the decoded JSON (None for 204) or raise ApiError."""
        headers = kwargs.pop("headers", {})
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self._http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            try:
                body = response.json()
                code, message = str(body["error"]), str(body["message"])
            except (ValueError, KeyError, TypeError):
                code, message = "http_error", response.text[:500]
            raise ApiError(response.status_code, code, message)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    # -- accounts ----------------------------------------------------------------------------
    def register(self, name: str, password: str, roles: list[str] | None = None) -> Any:
        body: dict[str, Any] = {"name": name, "password": password}
        if roles is not None:
            body["roles"] = roles
        return self.request("POST", "/api/accounts", json=body)

    def login(self, name: str, password: str) -> str:
        """Log in; the session token is kept for the following requests and returned."""
        data = self.request("POST", "/api/sessions", json={"name": name, "password": password})
        self.token = str(data["token"])
        return self.token

    def logout(self) -> None:
        self.request("DELETE", "/api/sessions/current")
        self.token = None

    def api_token(self) -> str:
        """A new API token for an agent of this account."""
        return str(self.request("POST", "/api/tokens", json={"kind": "api"})["token"])

    def me(self) -> Any:
        return self.request("GET", "/api/me")

    def set_roles(self, name: str, roles: list[str]) -> Any:
        return self.request("PUT", f"/api/accounts/{name}/roles", json={"roles": roles})

    # -- auctions ----------------------------------------------------------------------------
    def advise(self, sides: str, goods: str, divisible: bool = False) -> Any:
        params = {"sides": sides, "goods": goods, "divisible": str(divisible).lower()}
        return self.request("GET", "/api/advisor", params=params)

    def create_auction(self, mechanism: str, currency: str, **fields: Any) -> Any:
        """Open an auction; ``fields`` are those of the API's NewAuction (duration, config,
        rules, title, setting, bid_type, pricing, start, end)."""
        return self.request(
            "POST", "/api/auctions", json={"mechanism": mechanism, "currency": currency, **fields}
        )

    def auctions(self, status: str | None = None, mechanism: str | None = None) -> Any:
        params = {k: v for k, v in (("status", status), ("mechanism", mechanism)) if v}
        return self.request("GET", "/api/auctions", params=params)

    def auction(self, auction_id: str) -> Any:
        return self.request("GET", f"/api/auctions/{auction_id}")

    def join(self, auction_id: str) -> Any:
        return self.request("POST", f"/api/auctions/{auction_id}/join", json={})

    def bid(
        self,
        auction_id: str,
        amount: str,
        max_amount: str | None = None,
        event_id: str | None = None,
    ) -> Any:
        body: dict[str, Any] = {"amount": amount}
        if max_amount is not None:
            body["max_amount"] = max_amount
        if event_id is not None:
            body["id"] = event_id
        return self.request("POST", f"/api/auctions/{auction_id}/bids", json=body)

    def units_bid(self, auction_id: str, alternatives: list[tuple[int, str]]) -> Any:
        body = {"alternatives": [{"quantity": q, "price": p} for q, p in alternatives]}
        return self.request("POST", f"/api/auctions/{auction_id}/units-bids", json=body)

    def order(self, auction_id: str, side: str, quantity: int, unit_price: str) -> Any:
        body = {"side": side, "quantity": quantity, "unit_price": unit_price}
        return self.request("POST", f"/api/auctions/{auction_id}/orders", json=body)

    def curve(self, auction_id: str, side: str, points: list[tuple[int, str]]) -> Any:
        """A step curve of ``(total quantity, unit price)`` points, placed as orders."""
        body = {"side": side, "points": [{"quantity": q, "unit_price": p} for q, p in points]}
        return self.request("POST", f"/api/auctions/{auction_id}/curves", json=body)

    def package_bid(
        self,
        auction_id: str,
        bid: str | None = None,
        tables: list[list[dict[str, Any]]] | None = None,
    ) -> Any:
        """A combinatorial bid, as text (``"({a, b}, 9.00) XOR ({c}, 4.00)"``) or tables."""
        body: dict[str, Any] = {"bid": bid} if tables is None else {"tables": tables}
        return self.request("POST", f"/api/auctions/{auction_id}/package-bids", json=body)

    def accept(self, auction_id: str) -> Any:
        return self.request("POST", f"/api/auctions/{auction_id}/accept", json={})

    def retract(self, auction_id: str, bid_id: str) -> Any:
        return self.request(
            "POST", f"/api/auctions/{auction_id}/retractions", json={"bid_id": bid_id}
        )

    def decommit(self, auction_id: str) -> Any:
        return self.request("POST", f"/api/auctions/{auction_id}/decommit", json={})

    def close_auction(self, auction_id: str) -> Any:
        return self.request("POST", f"/api/auctions/{auction_id}/close")

    def receipts(self, auction_id: str) -> Any:
        return self.request("GET", f"/api/auctions/{auction_id}/receipts")

    # -- reputation ----------------------------------------------------------------------------
    def transactions(self) -> Any:
        """Your settled transactions, with who has rated each."""
        return self.request("GET", "/api/transactions")

    def feedback(
        self, transaction_id: str, rating: int, attributes: list[float] | None = None
    ) -> Any:
        """Rate the other side of one of your transactions (-1, 0 or +1)."""
        body: dict[str, Any] = {"transaction_id": transaction_id, "rating": rating}
        if attributes is not None:
            body["attributes"] = attributes
        return self.request("POST", "/api/feedback", json=body)

    def reputation(self, name: str, model: str | None = None) -> Any:
        """An account's scores under every model and its feedback; with ``model``, why."""
        params = {} if model is None else {"model": model}
        return self.request("GET", f"/api/reputation/{name}", params=params)

    def reputation_history(self, name: str, model: str, points: int = 60) -> Any:
        """``[time, score]`` under ``model`` after each of the last ``points`` feedbacks."""
        params = {"model": model, "points": points}
        return self.request("GET", f"/api/reputation/{name}/history", params=params)

    def stream(self, auction_id: str) -> Iterator[dict[str, Any]]:
        """The auction's live views (Server-Sent Events), decoded, until the caller stops."""
        headers = {} if self.token is None else {"Authorization": f"Bearer {self.token}"}
        with self._http.stream(
            "GET", f"/api/auctions/{auction_id}/stream", headers=headers, timeout=None
        ) as response:
            if response.status_code >= 400:
                response.read()
                body = response.json()
                raise ApiError(response.status_code, body["error"], body["message"])
            for line in response.iter_lines():
                if line.startswith("data: "):
                    yield json.loads(line[len("data: ") :])

    # -- the transparency log ----------------------------------------------------------------
    def log_key(self) -> PublicKey:
        """The log's public key: pinned, or fetched once and pinned."""
        if self._log_key is None:
            self._log_key = PublicKey.from_hex(self.request("GET", "/api/ledger/key")["public_key"])
        return self._log_key

    def tree_head(self) -> TreeHead:
        """The newest signed head, checked for consistency with the last one this client saw
        (a log that rewrote its history is caught here)."""
        head = TreeHead.from_json(self.request("GET", "/api/ledger/head"))
        self._follow(head)
        return head

    def _follow(self, head: TreeHead) -> None:
        from trustmarket.ledger.log import ConsistencyProof

        if self._log_client is None:
            self._log_client = LogClient(self.log_key())
        known = self._log_client.latest
        proof = None
        if known is not None and 0 < known.size < head.size:
            data = self.request(
                "GET", "/api/ledger/consistency", params={"old": known.size, "new": head.size}
            )
            proof = ConsistencyProof.from_json(data["proof"])
        if known is None or head.size >= known.size:
            self._log_client.update(head, proof)

    def verify_receipt(self, receipt: dict[str, Any]) -> VerifiedReceipt:
        """Check that a receipt's event is on the log: the entry the service stored is the
        salted digest of exactly this event, and its inclusion proof leads to a head signed by
        the pinned key. Raises :class:`~trustmarket.core.errors.InvalidProof` (or
        InvalidTreeHead) when it is not."""
        index = int(receipt["log_index"])
        data = self.request("GET", f"/api/ledger/entries/{index}")
        stored = base64.b64decode(data["entry"])
        expected = canonical_json(receipt_entry(receipt))
        if stored != expected:
            raise InvalidProof(
                f"log entry {index} is not this receipt's event: the log holds "
                f"{stored[:200]!r}, the receipt gives {expected[:200]!r}"
            )
        head = TreeHead.from_json(data["head"])
        verify_inclusion(expected, InclusionProof.from_json(data["proof"]), head, self.log_key())
        self._follow(head)
        return VerifiedReceipt(index, head.size, head.root_hash.hex())
