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
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from trustmarket.core.errors import InvalidInput, InvalidKey
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


# -- reading the JSON form -----------------------------------------------------------------------
# Every field is read by type, and a fault names the field's path in the journey (such as
# ``records.m1[0].quote.price``) and what it must be. Integers must be JSON integers: a float
# (even 12000.0, which ``int()`` would silently truncate), a boolean or a string is refused.


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _shown(value: object) -> str:
    """A value as an error message shows it: JSON's spelling, and a float as written (a
    reader may keep a float's literal text in its ``repr``)."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str) and len(value) > 40:
        return f"a string of {len(value)} characters"
    if value is None or isinstance(value, bool | int | str):
        try:
            return json.dumps(value)
        except ValueError:  # an integer too long to print
            return "an integer too long to show"
    return type(value).__name__


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(
            f"itinerary field {where or 'the top level'} must be a JSON object, got {_shown(value)}"
        )
    return value


def _list(value: object, where: str) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"itinerary field {where} must be a JSON list, got {_shown(value)}")
    return value


def _field(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise InvalidInput(f"an itinerary file lacks the field {_path(where, key)!r}")
    return data[key]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"itinerary field {where} must be a string, got {_shown(value)}")
    return value


def _string(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    if default is not None and key not in data:
        return default
    return _text(_field(data, key, where), _path(where, key))


def _integer(data: Mapping[str, Any], key: str, where: str) -> int:
    value = _field(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"itinerary field {_path(where, key)} must be an integer (a JSON integer such as "
            f"12000, without a decimal point or exponent), got {_shown(value)}"
        )
    return value


@dataclass(frozen=True)
class Quote:
    """A host's offer for the item the agent shops for: a price in integer minor units."""

    host: str
    item: str
    price: int

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "item": self.item, "price": self.price}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "") -> Quote:
        """A quote from :meth:`to_json`'s form; ``where`` is its path in errors."""
        data = _object(data, where)
        return cls(
            _string(data, "host", where),
            _string(data, "item", where),
            _integer(data, "price", where),
        )


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
    def from_json(cls, data: Mapping[str, Any], where: str = "") -> Certificate:
        """A certificate from :meth:`to_json`'s form; ``where`` is its path in errors."""
        data = _object(data, where)
        route = _list(_field(data, "route", where), _path(where, "route"))
        return cls(
            _string(data, "agent", where),
            _string(data, "owner", where),
            _string(data, "owner_key", where),
            _string(data, "code_digest", where),
            tuple(_text(h, f"{_path(where, 'route')}[{k}]") for k, h in enumerate(route)),
            _string(data, "journey", where),
            _string(data, "signature", where, ""),
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
    def from_json(cls, data: Mapping[str, Any], where: str = "") -> Ack:
        """An acknowledgement from :meth:`to_json`'s form; ``where`` is its path in errors."""
        data = _object(data, where)
        return cls(
            _string(data, "agent", where),
            _string(data, "journey", where),
            _string(data, "sender", where),
            _string(data, "receiver", where),
            _integer(data, "hop", where),
            _string(data, "code_digest", where),
            _string(data, "data_digest", where),
            _integer(data, "time", where),
            _string(data, "signature", where, ""),
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
    def from_json(cls, data: Mapping[str, Any], where: str = "") -> HopRecord:
        """A record from :meth:`to_json`'s form; ``where`` is its path in errors."""
        data = _object(data, where)
        return cls(
            Certificate.from_json(_field(data, "certificate", where), _path(where, "certificate")),
            _integer(data, "hop", where),
            _string(data, "host", where),
            _string(data, "code_digest", where),
            _string(data, "data_digest", where),
            Quote.from_json(_field(data, "quote", where), _path(where, "quote")),
            _string(data, "next_host", where),
            _integer(data, "time", where),
            Ack.from_json(_field(data, "ack", where), _path(where, "ack")),
            _string(data, "previous", where),
            _string(data, "signature", where, ""),
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
        """A journey from :meth:`to_json`'s form; :class:`InvalidInput` names the missing or
        malformed field by its path (such as ``records.m1[0].quote.price``) and says what it
        must be."""
        data = _object(data, "")
        certificate = Certificate.from_json(_field(data, "certificate", ""), "certificate")
        records: dict[str, tuple[HopRecord, ...]] = {}
        for host, entries in _object(_field(data, "records", ""), "records").items():
            where = f"records.{host}"
            records[str(host)] = tuple(
                HopRecord.from_json(r, f"{where}[{k}]") for k, r in enumerate(_list(entries, where))
            )
        returned = tuple(
            Quote.from_json(q, f"returned[{k}]")
            for k, q in enumerate(_list(_field(data, "returned", ""), "returned"))
        )
        directory: dict[str, PublicKey] = {}
        for name, key in _object(_field(data, "directory", ""), "directory").items():
            where = f"directory.{name}"
            try:
                directory[str(name)] = PublicKey.from_hex(_text(key, where))
            except InvalidKey as exc:
                raise InvalidKey(f"itinerary field {where}: {exc.message}") from None
        return cls(certificate, records, returned, directory)


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
