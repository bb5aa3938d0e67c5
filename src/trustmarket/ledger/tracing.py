"""Tracing a mobile agent's itinerary (Wang, Khosla and Krishnan, section 2, figure 2; SPEC
section 6).

Starting from the first host of the route, :func:`trace` fetches each host's Login Data Base
entry for the journey, checks every signature and every link, rebuilds the data the agent should
have carried from the hosts' own signed quotes, and compares it with each acknowledgement and
with what the agent brought home. The first contradiction names the host whose own signature
proves it, with the evidence:

- a record missing, or one from another journey (a replayed old record): that host;
- a record whose signature fails, whose ``previous`` hash breaks the chain, or whose arrival
  digest differs from the acknowledgement the same host signed for its sender: that host;
- a next host that is not the route's (an itinerary changed to skip a competitor): that host;
- an acknowledgement that does not verify under the named next host's key (forged): that host;
- an acknowledgement, signed by the next host and kept by this one, of data other than what this
  host received plus its own quote (a quote deleted or altered): this host.

Hosts that cover for each other are caught at the last of them in the chain, whose record an
honest successor's acknowledgement contradicts. Tracing counts its cost (records fetched,
signatures checked): the measured counterpart of the credit bureau's C.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from trustmarket.core.errors import InvalidSignature
from trustmarket.ledger.itinerary import HopRecord, Journey, Quote, data_digest
from trustmarket.ledger.keys import PublicKey

__all__ = ["TraceReport", "trace"]


@dataclass(frozen=True)
class TraceReport:
    """What tracing found: ``culprit`` (``None`` when the journey is clean), the kind of fault,
    the evidence in words and the records that prove it, and the cost."""

    culprit: str | None
    fault: str
    evidence: tuple[str, ...]
    records: tuple[HopRecord, ...]
    records_fetched: int
    signatures_checked: int
    hops: int

    @property
    def clean(self) -> bool:
        return self.culprit is None

    def to_json(self) -> dict[str, object]:
        return {
            "culprit": self.culprit,
            "fault": self.fault,
            "evidence": list(self.evidence),
            "records": [r.to_json() for r in self.records],
            "records_fetched": self.records_fetched,
            "signatures_checked": self.signatures_checked,
            "hops": self.hops,
        }


class _Tracer:
    def __init__(self, journey: Journey, directory: Mapping[str, PublicKey]) -> None:
        self.journey = journey
        self.directory = directory
        self.fetched = 0
        self.checked = 0
        self.hops = 0

    def key(self, name: str) -> PublicKey:
        key = self.directory.get(name)
        if key is None:
            raise InvalidSignature(f"no public key for {name} in the directory; cannot check it")
        return key

    def valid(self, name: str, body: object, signature: str) -> bool:
        self.checked += 1
        try:
            self.key(name).verify_json(body, bytes.fromhex(signature))
        except (InvalidSignature, ValueError):
            return False
        return True

    def report(
        self, culprit: str | None, fault: str, evidence: list[str], records: list[HopRecord]
    ) -> TraceReport:
        return TraceReport(
            culprit,
            fault,
            tuple(evidence),
            tuple(records),
            self.fetched,
            self.checked,
            self.hops,
        )


def _difference(expected: list[Quote], returned: tuple[Quote, ...]) -> str:
    """What the returned data lacks or changed, against the hosts' own quotes."""
    came_back = {q.host: q for q in returned}
    for quote in expected:
        got = came_back.get(quote.host)
        if got is None:
            return f"the quote of {quote.host} ({quote.price}) is missing from the returned data"
        if got != quote:
            return (
                f"the quote of {quote.host} came back as {got.price}, but {quote.host} signed "
                f"{quote.price}"
            )
    return "the data differs from the hosts' quotes"


def trace(journey: Journey, directory: Mapping[str, PublicKey] | None = None) -> TraceReport:
    """Walk the journey's evidence from the first host (``directory``: every principal's public
    key; by default the journey's own)."""
    tracer = _Tracer(journey, journey.directory if directory is None else directory)
    certificate = journey.certificate
    owner_key = tracer.key(certificate.owner)
    if owner_key.hex != certificate.owner_key or not tracer.valid(
        certificate.owner, certificate.body(), certificate.signature
    ):
        raise InvalidSignature(
            f"the agent's certificate is not signed by its owner {certificate.owner}; tracing "
            "needs the owner's route and code digest"
        )
    expected: list[Quote] = []
    previous: HopRecord | None = None
    host = certificate.route[0]
    position = 0
    while True:
        tracer.hops += 1
        entries = journey.records.get(host, ())
        tracer.fetched += len(entries)
        mine = [r for r in entries if r.certificate.agent == certificate.agent]
        record = next((r for r in mine if r.certificate.journey == certificate.journey), None)
        chain = [] if previous is None else [previous]
        if record is None:
            if mine:
                old = mine[-1]
                return tracer.report(
                    host,
                    "replayed an old record",
                    [
                        f"{host} holds a record of {certificate.agent} from journey "
                        f"{old.certificate.journey}, none from {certificate.journey}"
                    ],
                    [*chain, old],
                )
            return tracer.report(
                host,
                "withheld its record",
                [f"{host} acknowledged the agent but holds no record of this journey"],
                chain,
            )
        if not tracer.valid(host, record.body(), record.signature):
            return tracer.report(
                host, "record not signed by its host", [f"{host}'s record fails"], [record]
            )
        link = "" if previous is None else previous.digest
        if record.previous != link or record.hop != tracer.hops - 1:
            return tracer.report(
                host,
                "broke the chain",
                [f"{host}'s record names previous {record.previous[:16]}..., not {link[:16]}..."],
                [*chain, record],
            )
        if previous is not None and record.data_digest != previous.ack.data_digest:
            return tracer.report(
                host,
                "recorded other data than it acknowledged",
                [f"{host} acknowledged one data digest to {previous.host} and recorded another"],
                [previous, record],
            )
        if record.code_digest != certificate.code_digest:
            return tracer.report(
                previous.host if previous is not None else host,
                "altered the agent's code",
                [f"the code arrived at {host} with another digest than the certificate's"],
                [*chain, record],
            )
        expected.append(record.quote)
        planned = (
            certificate.route[position + 1]
            if position + 1 < len(certificate.route)
            else certificate.owner
        )
        ack = record.ack
        if record.next_host != planned:
            skipped = planned if planned != certificate.owner else "the return home"
            return tracer.report(
                host,
                "changed the itinerary",
                [f"{host} sent the agent to {record.next_host}, skipping {skipped}"],
                [record],
            )
        if (
            ack.receiver != record.next_host
            or ack.sender != host
            or ack.agent != certificate.agent
            or not tracer.valid(record.next_host, ack.body(), ack.signature)
        ):
            return tracer.report(
                host,
                "forged an acknowledgement",
                [f"the acknowledgement in {host}'s record is not signed by {record.next_host}"],
                [record],
            )
        if ack.journey != certificate.journey or ack.hop != record.hop + 1:
            return tracer.report(
                host,
                "replayed an old record",
                [f"the acknowledgement in {host}'s record belongs to journey {ack.journey}"],
                [record],
            )
        if ack.data_digest != data_digest(expected):
            return tracer.report(
                host,
                "altered the data it passed on",
                [
                    f"{record.next_host} signed receiving data other than what {host} received "
                    f"plus its own quote",
                    _difference(expected, journey.returned),
                ],
                [*chain, record],
            )
        if record.next_host == certificate.owner:
            break
        previous = record
        host = record.next_host
        position += 1
    if data_digest(journey.returned) != data_digest(expected):
        return tracer.report(
            certificate.owner,
            "returned data differs from the acknowledged data",
            [_difference(expected, journey.returned)],
            [record],
        )
    return tracer.report(
        None,
        "none",
        [f"every signature and link holds over {tracer.hops} hosts"],
        [],
    )
