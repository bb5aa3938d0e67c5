"""Non-repudiation evidence of a mobile trade agent's itinerary (Wang, Khosla and Krishnan,
section 2; SPEC section 6).

A customer sends an agent through merchants' hosts along a route she signs in the agent's
certificate. Each host keeps, in its Login Data Base, a record it signs: the agent's id and
certificate, the digests of the agent's code and data on arrival, the quote it gathered, the next
host, the time, the next host's signed acknowledgement of what it received, and the hash of the
previous host's record, so the records form a chain. The customer's own key acknowledges the
agent's return.

:func:`run_journey` plays a journey with honest hosts or with any host misbehaving
(:class:`Misbehaviour`: deleting or altering a quote, skipping a competitor, forging the next
host's acknowledgement, replaying an old record, or covering for the previous host), and returns
every host's records and the data the agent brought home: the input of
:func:`trustmarket.ledger.tracing.trace`. Time is passed in; nothing reads a clock.

Digests are SHA-256 of the canonical JSON of the agent's data (its list of quotes) or of its code
bytes, in hex. Signatures are Ed25519 over the canonical JSON of a record without its signature.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from trustmarket.core.errors import InvalidInput
from trustmarket.core.ids import check_id
from trustmarket.ledger.canonical import canonical_json
from trustmarket.ledger.keys import KeyPair, PublicKey

__all__ = [
    "Ack",
    "Certificate",
    "HopRecord",
    "Journey",
    "Misbehaviour",
    "Quote",
    "data_digest",
    "run_journey",
]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Quote:
    """A host's offer for the item the agent shops for: a price in integer minor units."""

    host: str
    item: str
    price: int

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "item": self.item, "price": self.price}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Quote:
        return cls(str(data["host"]), str(data["item"]), int(data["price"]))


def data_digest(quotes: Sequence[Quote]) -> str:
    """The digest of the agent's data: SHA-256 of the canonical JSON of its quotes."""
    return _sha256(canonical_json([q.to_json() for q in quotes]))


@dataclass(frozen=True)
class Certificate:
    """The agent's identity, issued and signed by its owner: the owner's key, the digest of the
    agent's code, the route it must follow and the journey's nonce."""

    agent: str
    owner: str
    owner_key: str
    code_digest: str
    route: tuple[str, ...]
    journey: str
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "owner": self.owner,
            "owner_key": self.owner_key,
            "code_digest": self.code_digest,
            "route": list(self.route),
            "journey": self.journey,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "signature": self.signature}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Certificate:
        return cls(
            str(data["agent"]),
            str(data["owner"]),
            str(data["owner_key"]),
            str(data["code_digest"]),
            tuple(str(h) for h in data["route"]),
            str(data["journey"]),
            str(data.get("signature", "")),
        )

    @classmethod
    def issue(
        cls, owner: str, key: KeyPair, agent: str, code: bytes, route: Sequence[str], journey: str
    ) -> Certificate:
        for name, what in ((owner, "owner"), (agent, "agent id"), (journey, "journey")):
            check_id(name, what)
        hosts = tuple(route)
        if not hosts:
            raise InvalidInput("an agent's route needs at least one host")
        for host in hosts:
            check_id(host, "host")
        if len(set(hosts)) != len(hosts) or owner in hosts:
            raise InvalidInput(
                f"a route visits each host once and never the owner; got {list(hosts)}"
            )
        unsigned = cls(agent, owner, key.public_key.hex, _sha256(code), hosts, journey)
        return replace(unsigned, signature=key.sign_json(unsigned.body()).hex())


@dataclass(frozen=True)
class Ack:
    """The receiving host's signed acknowledgement of what it received from the sender."""

    agent: str
    journey: str
    sender: str
    receiver: str
    hop: int
    code_digest: str
    data_digest: str
    time: int
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "journey": self.journey,
            "sender": self.sender,
            "receiver": self.receiver,
            "hop": self.hop,
            "code_digest": self.code_digest,
            "data_digest": self.data_digest,
            "time": self.time,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "signature": self.signature}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ack:
        return cls(
            str(data["agent"]),
            str(data["journey"]),
            str(data["sender"]),
            str(data["receiver"]),
            int(data["hop"]),
            str(data["code_digest"]),
            str(data["data_digest"]),
            int(data["time"]),
            str(data.get("signature", "")),
        )

    def signed(self, key: KeyPair) -> Ack:
        return replace(self, signature=key.sign_json(self.body()).hex())


@dataclass(frozen=True)
class HopRecord:
    """One host's entry in its Login Data Base for one visit of the agent (hop 0 is the first
    host of the route)."""

    certificate: Certificate
    hop: int
    host: str
    code_digest: str
    data_digest: str
    quote: Quote
    next_host: str
    time: int
    ack: Ack
    previous: str
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "certificate": self.certificate.to_json(),
            "hop": self.hop,
            "host": self.host,
            "code_digest": self.code_digest,
            "data_digest": self.data_digest,
            "quote": self.quote.to_json(),
            "next_host": self.next_host,
            "time": self.time,
            "ack": self.ack.to_json(),
            "previous": self.previous,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "signature": self.signature}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HopRecord:
        return cls(
            Certificate.from_json(data["certificate"]),
            int(data["hop"]),
            str(data["host"]),
            str(data["code_digest"]),
            str(data["data_digest"]),
            Quote.from_json(data["quote"]),
            str(data["next_host"]),
            int(data["time"]),
            Ack.from_json(data["ack"]),
            str(data["previous"]),
            str(data.get("signature", "")),
        )

    def signed(self, key: KeyPair) -> HopRecord:
        return replace(self, signature=key.sign_json(self.body()).hex())

    @property
    def digest(self) -> str:
        """The hash the next record carries as ``previous``: SHA-256 of this signed record."""
        return _sha256(canonical_json(self.to_json()))


@dataclass(frozen=True)
class Misbehaviour:
    """What one host does wrong on a journey (every field off: an honest host).

    - ``delete_quote``: remove that host's quote from the agent's data before passing it on;
    - ``alter_quote``: ``(host, price)``: change that host's quote;
    - ``skip_next``: send the agent past the next host of the route (avoid a competitor);
    - ``forge_ack``: with ``skip_next``, write the skipped host's acknowledgement itself;
    - ``replay``: store this old record (from an earlier journey) instead of today's;
    - ``cover_previous``: acknowledge, and record, the data the sender *should* have sent
      rather than what it did send (collusion with the sender).
    """

    delete_quote: str | None = None
    alter_quote: tuple[str, int] | None = None
    skip_next: bool = False
    forge_ack: bool = False
    replay: HopRecord | None = None
    cover_previous: bool = False


@dataclass(frozen=True)
class Journey:
    """A finished journey: the certificate, every host's Login Data Base entries for the agent,
    and the quotes the agent brought home."""

    certificate: Certificate
    records: Mapping[str, tuple[HopRecord, ...]]
    returned: tuple[Quote, ...]
    directory: Mapping[str, PublicKey] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "certificate": self.certificate.to_json(),
            "records": {
                host: [r.to_json() for r in records] for host, records in self.records.items()
            },
            "returned": [q.to_json() for q in self.returned],
            "directory": {name: key.hex for name, key in self.directory.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Journey:
        """A journey from :meth:`to_json`'s form; :class:`InvalidInput` names what is missing."""
        try:
            return cls(
                Certificate.from_json(data["certificate"]),
                {
                    str(host): tuple(HopRecord.from_json(r) for r in records)
                    for host, records in data["records"].items()
                },
                tuple(Quote.from_json(q) for q in data["returned"]),
                {str(n): PublicKey.from_hex(str(k)) for n, k in data["directory"].items()},
            )
        except KeyError as exc:
            raise InvalidInput(f"an itinerary file lacks the field {exc.args[0]!r}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidInput(f"an itinerary file has a malformed field: {exc}") from None


def run_journey(
    owner: str,
    owner_key: KeyPair,
    hosts: Mapping[str, KeyPair],
    route: Sequence[str],
    prices: Mapping[str, int],
    *,
    item: str = "item",
    agent: str = "agent-1",
    journey: str = "j1",
    code: bytes = b"trade agent v1",
    start: int = 0,
    step: int = 60,
    misbehaviour: Mapping[str, Misbehaviour] | None = None,
) -> Journey:
    """Send an agent along ``route``: each host adds its quote (``prices[host]``) and records
    its visit, misbehaving as ``misbehaviour`` says. Hop k happens at ``start + k * step``."""
    faults = dict(misbehaviour or {})
    unknown = sorted((set(route) | set(faults)) - set(hosts))
    if unknown:
        raise InvalidInput(f"no key for host {', '.join(unknown)}; give every host a key pair")
    missing = sorted(set(route) - set(prices))
    if missing:
        raise InvalidInput(f"no price for host {', '.join(missing)}")
    certificate = Certificate.issue(owner, owner_key, agent, code, route, journey)
    keys = {**hosts, owner: owner_key}
    code_hash = certificate.code_digest
    records: dict[str, list[HopRecord]] = {host: [] for host in hosts}
    data: list[Quote] = []  # what the agent carries on arrival
    expected: list[Quote] = []  # what an honest chain would carry
    previous = ""
    position = 0
    host = route[0]
    hop = 0
    while True:
        fault = faults.get(host, Misbehaviour())
        time = start + hop * step
        arrival = data_digest(expected if fault.cover_previous else data)
        quote = Quote(host, item, prices[host])
        outgoing = [*data, quote]
        if fault.delete_quote is not None:
            outgoing = [q for q in outgoing if q.host != fault.delete_quote]
        if fault.alter_quote is not None:
            target, price = fault.alter_quote
            outgoing = [Quote(q.host, q.item, price) if q.host == target else q for q in outgoing]
        expected = [*(expected if fault.cover_previous else data), quote]
        planned = position + 1
        actual = planned + 1 if fault.skip_next and planned + 1 < len(route) else planned
        receiver = route[actual] if actual < len(route) else owner
        claimed = route[planned] if fault.forge_ack and planned < len(route) else receiver
        receiver_fault = faults.get(receiver, Misbehaviour())
        acked = expected if receiver_fault.cover_previous else outgoing
        ack = Ack(
            agent, journey, host, claimed, hop + 1, code_hash, data_digest(acked), time + step
        )
        # A forged acknowledgement is signed by the forger, not by the host it names.
        ack = ack.signed(keys[host] if claimed != receiver else keys[receiver])
        record = HopRecord(
            certificate, hop, host, code_hash, arrival, quote, claimed, time, ack, previous
        ).signed(keys[host])
        records[host].append(fault.replay if fault.replay is not None else record)
        previous = record.digest
        data = outgoing
        if receiver == owner:
            break
        host, position, hop = receiver, actual, hop + 1
    return Journey(
        certificate,
        {h: tuple(r) for h, r in records.items()},
        tuple(data),
        {name: key.public_key for name, key in keys.items()},
    )
