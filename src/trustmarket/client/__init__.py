"""A typed Python client of the marketplace service (httpx).

    >>> from trustmarket.client import Client                      # doctest: +SKIP
    >>> alice = Client("http://127.0.0.1:8000")                     # doctest: +SKIP
    >>> alice.login("alice", "demo-password")                       # doctest: +SKIP
    >>> receipt = alice.bid(auction_id, "31.00")                    # doctest: +SKIP
    >>> alice.verify_receipt(receipt)                               # doctest: +SKIP

Every refusal of the service raises :class:`ApiError` with its status, code and message.
:meth:`Client.verify_receipt` is the verify-my-bid helper: it checks, with nothing but the
service's pinned public key, that the event in a receipt is on the transparency log.
"""

from __future__ import annotations

from trustmarket.client.client import ApiError, Client, VerifiedReceipt

__all__ = ["ApiError", "Client", "VerifiedReceipt"]
